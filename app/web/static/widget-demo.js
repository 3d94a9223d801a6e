// The demo bank's "login" (demo mode only): pick a seeded customer, get a token from the demo sign-in API and
// hand it to the chat widget through its public API, exactly as a real bank's login would after its own
// authentication (see the README, "Embedding the chat widget").

import { api, getToken } from "./api.js";

const NAME_KEY = "northbank.demo.name";
const form = document.getElementById("nb-demo-form");
const select = document.getElementById("nb-customer");
const signedIn = document.getElementById("nb-signed-in");
const nameOut = document.getElementById("nb-name");
const errorOut = document.getElementById("nb-demo-error");

function whenWidget(fn) {
  if (window.Bankdesk) fn(window.Bankdesk);
  else document.addEventListener("bankdesk:ready", () => fn(window.Bankdesk), { once: true });
}

function show(name) {
  const on = Boolean(name);
  form.hidden = on;
  signedIn.hidden = !on;
  nameOut.textContent = name || "";
}

function fail(message) {
  errorOut.textContent = message;
  errorOut.hidden = false;
}

async function loadPeople() {
  try {
    const people = await api("/v1/demo/people");
    select.replaceChildren(
      ...people.customers.map((person) => {
        const option = document.createElement("option");
        option.value = person.id;
        option.textContent = person.full_name;
        return option;
      }),
    );
  } catch (error) {
    fail(`Could not load the demo customers: ${error.message}`);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorOut.hidden = true;
  try {
    const issued = await api(`/v1/demo/tokens/${encodeURIComponent(select.value)}`, { method: "POST" });
    sessionStorage.setItem(NAME_KEY, issued.full_name);
    whenWidget((chat) => {
      chat.signIn(issued.token);
      chat.open();
    });
    show(issued.full_name);
  } catch (error) {
    fail(`Could not sign in: ${error.message}`);
  }
});

document.getElementById("nb-signout").addEventListener("click", () => {
  sessionStorage.removeItem(NAME_KEY);
  whenWidget((chat) => chat.signOut());
  show(null);
  select.focus();
});

show(getToken("customer") ? sessionStorage.getItem(NAME_KEY) : null);
loadPeople();
