#!/usr/bin/env python3
"""Check the conversation files in setC/ and setD/.

* re-parses every YAML file with yaml.safe_load and checks the fields/conventions;
* re-parses ../seed.txt and recomputes every asserted figure from the
  machine-readable recipe in specs.json, then demands that the YAML assertions
  are exactly the strings derived from the recomputed figures.

build.py imports the seed parser / calculator from this file to write the YAML.
Exit status 0 = all good.
"""
import ast, datetime as dt, json, os, re, sys
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, '..', 'seed.txt')
LONDON = ZoneInfo('Europe/London')
TODAY = dt.date(2026, 11, 28)
KINDS = ['mr', 'tot', 'range', 'fu', 'rec', 'stat']
MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
MONTH = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
         'September', 'October', 'November', 'December']
WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']
STATUS_WORDS = {'pending': ['pending', 'Pending'],
                'reversed': ['reversed', 'Reversed', 'refunded', 'Refunded'],
                'lost': ['lost', 'Lost'],
                'active': ['active', 'Active'],
                'posted': ['posted', 'gone through', 'cleared']}


# ---------------------------------------------------------------- seed
def parse_seed(path=SEED):
    custs, cur = [], None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('===================='):
            cur = {'name': line.strip('= ').strip(), 'accounts': [], 'cards': [],
                   'sched': [], 'tx': []}
            custs.append(cur)
            continue
        m = re.match(r'^(ACCOUNT|CARD|DIRECT_DEBIT|STANDING_ORDER|TX) (\(.*\))$', line)
        if not m:
            continue
        kind, t = m.group(1), ast.literal_eval(m.group(2))
        if kind == 'ACCOUNT':
            cur['accounts'].append(dict(zip(['kind', 'name', 'currency', 'balance', 'number', 'sort'], t)))
        elif kind == 'CARD':
            cur['cards'].append(dict(zip(['brand', 'last4', 'status', 'exp_m', 'exp_y'], t)))
        elif kind in ('DIRECT_DEBIT', 'STANDING_ORDER'):
            d = dict(zip(['payee', 'amount', 'freq', 'next', 'status'], t))
            d['type'] = kind
            cur['sched'].append(d)
        else:
            d = dict(zip(['booked', 'merchant', 'amount', 'currency', 'category', 'status', 'account'], t))
            utc = dt.datetime.strptime(d['booked'], '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=dt.timezone.utc)
            d['local'] = utc.astimezone(LONDON)
            d['date'] = d['local'].date()
            cur['tx'].append(d)
    assert [c['name'] for c in custs] == ['Jake Lewis', 'Kathleen Hicks', 'Damien Norman',
                                          'Maurice Price', 'Sarah Schofield'], custs
    for c in custs:
        c['tx'].sort(key=lambda r: r['booked'])
    return custs


def _as_list(x):
    return None if x is None else (x if isinstance(x, list) else [x])


def select(custs, f):
    """Transactions of customer f['cust'] matching the filter dict f."""
    c = custs[f['cust'] - 1]
    merch, cat = _as_list(f.get('merchant')), _as_list(f.get('category'))
    excl = _as_list(f.get('exclude_merchant')) or []
    status = _as_list(f.get('status', 'posted'))
    frm = dt.date.fromisoformat(f['frm']) if 'frm' in f else None
    to = dt.date.fromisoformat(f['to']) if 'to' in f else None
    out = []
    for r in c['tx']:
        if merch and r['merchant'] not in merch: continue
        if r['merchant'] in excl: continue
        if cat and r['category'] not in cat: continue
        if 'account' in f and r['account'] != f['account']: continue
        if 'currency' in f and r['currency'] != f['currency']: continue
        if status != ['any'] and r['status'] not in status: continue
        if f.get('sign') == 'out' and r['amount'] >= 0: continue
        if f.get('sign') == 'in' and r['amount'] <= 0: continue
        if frm and r['date'] < frm: continue
        if to and r['date'] > to: continue
        out.append(r)
    return out


def _sched(custs, cust, payee):
    hits = [s for s in custs[cust - 1]['sched'] if s['payee'] == payee]
    assert len(hits) == 1, (cust, payee)
    return hits[0]


def _account(custs, cust, name):
    hits = [a for a in custs[cust - 1]['accounts'] if a['name'] == name]
    assert len(hits) == 1, (cust, name)
    return hits[0]


def _card(custs, cust, last4):
    hits = [k for k in custs[cust - 1]['cards'] if k['last4'] == last4]
    assert len(hits) == 1, (cust, last4)
    return hits[0]


def _pick(rows, how):
    assert rows, 'pick from empty selection'
    if how == 'max':
        return max(rows, key=lambda r: abs(r['amount']))
    if how == 'min':
        return min(rows, key=lambda r: abs(r['amount']))
    if how == 'last':
        return rows[-1]
    if how.startswith('nth_last:'):
        return rows[-int(how.split(':')[1])]
    raise ValueError(how)


def evaluate(custs, calc):
    """Return (value, evidence_rows). value type depends on op."""
    op = calc['op']
    if op == 'sum':
        rows = select(custs, calc)
        assert rows, ('empty sum', calc)
        return abs(sum(r['amount'] for r in rows)), rows
    if op == 'count':
        rows = select(custs, calc)
        return len(rows), rows
    if op == 'constant':           # every matching row has the same amount
        rows = select(custs, calc)
        vals = {abs(r['amount']) for r in rows}
        assert len(rows) >= calc.get('min_rows', 2) and len(vals) == 1, ('not constant', calc, vals)
        return vals.pop(), rows
    if op in ('pick_amount', 'pick_date', 'pick_status'):
        r = _pick(select(custs, calc), calc['pick'])
        v = {'pick_amount': abs(r['amount']), 'pick_date': r['date'], 'pick_status': r['status']}[op]
        return v, [r]
    if op == 'balance':
        a = _account(custs, calc['cust'], calc['account'])
        return abs(a['balance']), [a]
    if op == 'acctno':
        a = _account(custs, calc['cust'], calc['account'])
        return a['number'], [a]
    if op == 'sortcode':
        a = _account(custs, calc['cust'], calc['account'])
        return a['sort'], [a]
    if op == 'sched_amount':
        s = _sched(custs, calc['cust'], calc['payee'])
        assert s['freq'] == 'monthly' and s['status'] == 'active'
        return s['amount'] * calc.get('times', 1), [s]
    if op == 'sched_next':
        s = _sched(custs, calc['cust'], calc['payee'])
        return dt.date.fromisoformat(s['next']), [s]
    if op == 'sched_total':
        ss = [s for s in custs[calc['cust'] - 1]['sched']
              if s['type'] == calc['type'] and s['status'] == 'active' and s['freq'] == 'monthly']
        return sum(s['amount'] for s in ss), ss
    if op == 'payee':              # a payee name (or a distinctive part of it) that exists
        ss = [s for s in custs[calc['cust'] - 1]['sched']
              if s['type'] == calc['type'] and calc['text'] in s['payee']]
        assert len(ss) == 1, calc
        return calc['text'], ss
    if op == 'expiry':
        k = _card(custs, calc['cust'], calc['last4'])
        return (k['exp_m'], k['exp_y']), [k]
    if op == 'card_status':
        k = _card(custs, calc['cust'], calc['last4'])
        return k['status'], [k]
    if op == 'card_other':         # the customer's only other card
        ks = [k for k in custs[calc['cust'] - 1]['cards'] if k['last4'] != calc['last4']]
        assert len(ks) == 1 and len(ks) + 1 == len(custs[calc['cust'] - 1]['cards']), calc
        return ks[0]['last4'], ks
    if op == 'card_with_status':
        ks = [k for k in custs[calc['cust'] - 1]['cards'] if k['status'] == calc['status']]
        assert len(ks) == 1, calc
        return ks[0]['last4'], ks
    if op == 'add':
        vals, rows = [], []
        for sub in calc['items']:
            v, rr = evaluate(custs, sub)
            vals.append(v); rows += rr
        return sum(vals), rows
    raise ValueError(op)


# ---------------------------------------------------------------- rendering
def money(minor):
    return f'{minor / 100:,.2f}'


def money_tail(minor):
    s = money(minor)
    return s.split(',', 1)[1] if ',' in s else s


def ordinal(d):
    suf = 'th' if 10 <= d % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th')
    return f'{d}{suf}'


def date_spellings(d):
    m = d.month
    if d.day >= 10:
        return [f'{d.day} {MON[m-1]}', f'{ordinal(d.day)} {MON[m-1]}', f'{MONTH[m-1]} {d.day}',
                f'{d.day} {MONTH[m-1]}', d.isoformat(), f'{d.day:02d}/{m:02d}']
    return [f' {d.day} {MON[m-1]}', f'{ordinal(d.day)} {MON[m-1]}', f'{MONTH[m-1]} {d.day}',
            d.isoformat(), f'{d.day:02d}/{m:02d}']


def render(kind, value):
    """Strings to assert for a figure. Returns a list (one string for a
    reply_contains figure, the alternatives for a reply_contains_any figure)."""
    if kind == 'money':
        return [money_tail(value)]
    if kind == 'money_full':       # any-list with both spellings
        return [money(value), money(value).replace(',', '')]
    if kind == 'date':
        return date_spellings(value)
    if kind == 'expiry':
        m, y = value
        return [f'{m:02d}/{y}', f'{m:02d}/{y % 100:02d}', f'{MONTH[m-1]} {y}']
    if kind == 'sortcode':
        s = value
        return [f'{s[:2]}-{s[2:4]}-{s[4:]}', s, f'{s[:2]} {s[2:4]} {s[4:]}']
    if kind == 'count':
        n, w = value, WORDS[value]
        return [f'{n} {x}' for x in ('times', 'payments', 'transactions', 'visits')] + \
               [f'{w} {x}' for x in ('times', 'payments', 'transactions', 'visits')]
    if kind == 'status':
        return list(STATUS_WORDS[value])
    if kind == 'status1':          # single lower-case word, for reply_contains
        return [value]
    if kind == 'text':
        return [str(value)]
    raise ValueError(kind)


def expected_expect(custs, figs):
    contains, any_ = [], None
    for f in figs:
        v, _ = evaluate(custs, f['calc'])
        strs = render(f['kind'], v)
        if f['mode'] == 'contains':
            assert len(strs) == 1, f
            contains += strs
        else:
            assert any_ is None, 'two any-lists in one turn'
            any_ = strs
    exp = {'actions': 0}
    if contains:
        exp['reply_contains'] = contains
    if any_:
        exp['reply_contains_any'] = any_
    return exp


def describe_row(r):
    if 'booked' in r:
        return (f"TX {r['date'].isoformat()} {r['merchant']} {money(r['amount']) if r['amount'] < 0 else '+' + money(r['amount'])}"
                f" {r['currency']} {r['category']} {r['status']} ({r['account']})").replace('-', '-')
    if 'payee' in r:
        return f"{r['type']} {r['payee']} {money(r['amount'])} {r['freq']} next {r['next']} {r['status']}"
    if 'last4' in r:
        return f"CARD {r['brand']} {r['last4']} {r['status']} {r['exp_m']:02d}/{r['exp_y']}"
    return f"ACCOUNT {r['name']} {r['currency']} balance {money(r['balance'])} no {r['number']} sort {r['sort']}"


# ---------------------------------------------------------------- checking
def main():
    import yaml
    errors, notes = [], []
    custs = parse_seed()
    assert TODAY.strftime('%A') == 'Saturday'
    specs = json.load(open(os.path.join(HERE, 'specs.json')))
    files = {}
    for s in ('setC', 'setD'):
        for fn in sorted(os.listdir(os.path.join(HERE, s))):
            files[f'{s}/{fn}'] = os.path.join(HERE, s, fn)
    if set(files) != set(specs):
        errors.append(f'files vs specs mismatch: {sorted(set(files) ^ set(specs))}')
    per_set = {'setC': {}, 'setD': {}}
    custs_per_set = {'setC': set(), 'setD': set()}
    says = {'setC': [], 'setD': []}
    n_fig = 0
    for rel, path in sorted(files.items()):
        s, fn = rel.split('/')
        def err(msg):
            errors.append(f'{rel}: {msg}')
        if not fn.endswith('.yaml'):
            err('not a .yaml file'); continue
        with open(path, encoding='utf-8') as fh:
            doc = yaml.safe_load(fh)
        stem = fn[:-5]
        if set(doc) != {'name', 'description', 'categories', 'customer', 'turns'}:
            err(f'fields {sorted(doc)}')
        if doc.get('name') != stem: err('name != file stem')
        if not stem.startswith({'setC': 'c-', 'setD': 'd-'}[s]): err('bad prefix')
        if not isinstance(doc.get('description'), str) or len(doc['description']) < 40:
            err('description missing/short')
        cats = doc.get('categories')
        if not (isinstance(cats, list) and cats and cats[0] in KINDS and all(isinstance(c, str) for c in cats)):
            err(f'categories {cats}')
        else:
            per_set[s][cats[0]] = per_set[s].get(cats[0], 0) + 1
            if stem.split('-')[1] != cats[0]: err('kind in name differs from categories[0]')
        if doc.get('customer') not in (1, 2, 3, 4, 5) or isinstance(doc.get('customer'), bool):
            err('customer'); continue
        custs_per_set[s].add(doc['customer'])
        turns = doc.get('turns')
        if not (isinstance(turns, list) and 1 <= len(turns) <= 3):
            err('turns'); continue
        if cats and cats[0] == 'fu' and len(turns) < 2: err('follow-up needs 2+ turns')
        spec = specs.get(rel)
        if spec is None: continue
        if spec['customer'] != doc['customer']: err('spec customer differs')
        if len(spec['turns']) != len(turns): err('spec turns differ'); continue
        for i, (t, figs) in enumerate(zip(turns, spec['turns']), 1):
            if set(t) != {'say', 'expect'}: err(f'turn {i} keys {sorted(t)}')
            if not isinstance(t.get('say'), str) or not t['say'].strip(): err(f'turn {i} say')
            says[s].append(t.get('say', ''))
            e = t.get('expect') or {}
            if not set(e) <= {'actions', 'reply_contains', 'reply_contains_any'}: err(f'turn {i} expect keys {sorted(e)}')
            if e.get('actions') != 0 or isinstance(e.get('actions'), bool): err(f'turn {i} actions != 0')
            for key in ('reply_contains', 'reply_contains_any'):
                if key in e:
                    v = e[key]
                    if not (isinstance(v, list) and v and all(isinstance(x, str) for x in v)):
                        err(f'turn {i} {key} must be a non-empty list of strings (quote numbers!): {v!r}')
                        continue
                    for x in v:
                        if re.fullmatch(r'\s*\d{1,2}\s*', x): err(f'turn {i} bare small number {x!r}')
            for x in e.get('reply_contains', []):
                if isinstance(x, str) and re.search(r'\d,\d{3}\.\d\d', x):
                    err(f'turn {i} full >=1,000 amount in reply_contains {x!r}')
            if 'reply_contains' not in e and 'reply_contains_any' not in e:
                err(f'turn {i} asserts nothing')
            for f in figs:   # every figure must appear in the description's evidence
                v, rows = evaluate(custs, f['calc'])
                for r in rows:
                    if 'booked' in r and r['date'].isoformat() not in doc['description']:
                        err(f'turn {i}: row {describe_row(r)} not cited in description')
            want = expected_expect(custs, figs)
            n_fig += len(figs)
            if want != e:
                err(f'turn {i} expect {e} != recomputed {want}')
    for s in per_set:
        if per_set[s] != {k: 3 for k in KINDS}:
            errors.append(f'{s}: kinds {per_set[s]}')
        if custs_per_set[s] != {1, 2, 3, 4, 5}:
            errors.append(f'{s}: customers {sorted(custs_per_set[s])}')
    # wording: no say shared between sets, report shared 5-word runs
    def grams(t, n=5):
        w = re.findall(r"[a-z0-9']+", t.lower())
        return {' '.join(w[i:i+n]) for i in range(len(w) - n + 1)}
    gC = set().union(*[grams(x) for x in says['setC']])
    gD = set().union(*[grams(x) for x in says['setD']])
    shared = sorted(gC & gD)
    if set(map(str.lower, says['setC'])) & set(map(str.lower, says['setD'])):
        errors.append('identical say in both sets')
    if shared:
        errors.append(f'5-word runs shared between sets: {shared}')
    print(f"files: setC={sum(per_set['setC'].values())} setD={sum(per_set['setD'].values())}; "
          f"kinds setC={per_set['setC']} setD={per_set['setD']}")
    print(f'figures recomputed from seed.txt: {n_fig}; turns: {len(says["setC"]) + len(says["setD"])}')
    for e in errors:
        print('ERROR', e)
    print('RESULT:', 'OK' if not errors else f'{len(errors)} error(s)')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
