// Staff sign-in, shared by the console and the audit workspace: the demo picker (demo mode only), a pasted
// token and sign-out. Each page says whom it offers in the picker, which endpoint proves the token is one
// of its staff, what a refusal means, and what it shows once someone is signed in.
//
// The token stays in this tab's sessionStorage and is sent as a bearer header: no cookie, so no CSRF.

import { api, clearToken, el, getToken, setToken } from "./api.js";

const KIND = "staff";
const $ = (id) => document.getElementById(id);

// options: {
//   me: "/v1/.../me" (answers the signed-in staff member, or 401/403),
//   offer(staff) -> the demo people to list, in order,
//   refused(error) -> why a token was not accepted, in words,
//   hide: [elements hidden while signed out],
//   onSignedIn(me), onSignedOut()
// }
export function staffSignin(options) {
  const ui = {
    signin: $("bd-signin"),
    error: $("bd-signin-error"),
    demoForm: $("bd-demo-form"),
    demoPerson: $("bd-demo-person"),
    tokenForm: $("bd-token-form"),
    token: $("bd-token"),
    workspace: $("bd-workspace"),
    who: $("bd-who"),
    whoName: $("bd-who-name"),
    signout: $("bd-signout"),
  };

  function show(message) {
    ui.signin.hidden = false;
    for (const node of [ui.workspace, ui.who, ...(options.hide || [])]) node.hidden = true;
    ui.error.hidden = !message;
    ui.error.textContent = message || "";
    if (ui.demoForm) loadDemoStaff();
  }

  async function loadDemoStaff() {
    try {
      const people = await api("/v1/demo/people");
      ui.demoPerson.replaceChildren(
        ...options
          .offer(people.staff)
          .map((person) => el("option", { value: person.id }, `${person.full_name} (${person.role})`)),
      );
    } catch (error) {
      ui.demoPerson.replaceChildren(el("option", { value: "" }, "Demo sign-in is not available"));
    }
  }

  async function signIn(token) {
    setToken(KIND, token);
    let me;
    try {
      me = await api(options.me, { kind: KIND });
    } catch (error) {
      clearToken(KIND);
      show(`Could not sign in: ${options.refused(error)}`);
      return;
    }
    ui.signin.hidden = true;
    ui.workspace.hidden = false;
    ui.who.hidden = false;
    ui.whoName.textContent = `${me.full_name} · ${me.role}`;
    await options.onSignedIn(me);
  }

  function signOut() {
    options.onSignedOut?.();
    clearToken(KIND);
    show("You are signed out.");
    (ui.demoPerson || ui.token).focus();
  }

  ui.demoForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!ui.demoPerson.value) return;
    try {
      const issued = await api(`/v1/demo/tokens/${encodeURIComponent(ui.demoPerson.value)}`, { method: "POST" });
      await signIn(issued.token);
    } catch (error) {
      show(`Could not sign in: ${options.refused(error)}`);
    }
  });

  ui.tokenForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = ui.token.value.trim();
    ui.token.value = "";
    if (token) await signIn(token);
  });

  ui.signout.addEventListener("click", signOut);

  return {
    show,
    start() {
      const saved = getToken(KIND);
      if (saved) signIn(saved);
      else show("");
    },
  };
}
