#!/usr/bin/env python3
"""Check every YAML conversation in out/setA and out/setB.

* re-parses each file with yaml.safe_load and validates the format from BRIEF.md;
* re-parses seed.txt with its own parser (ast.literal_eval, hand-written UK DST rule -
  independent of gen.py) and recomputes every asserted figure from the queries in spec.py;
* requires reply_contains / reply_contains_any of every turn to equal the recomputed strings
  exactly (so there is no asserted figure that was not recomputed, and vice versa);
* checks the set/kind/customer distribution and that no sentence is reused across the sets.
Exit status 0 when everything passes.
"""
import ast
import os
import re
import sys
from datetime import date, datetime, timedelta

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SEED = os.path.join(os.path.dirname(OUT), 'seed.txt')
sys.path.insert(0, HERE)
from spec import CONVS  # noqa: E402

KINDS = ('mr', 'tot', 'range', 'fu')
OWN = ('Northbank Easy Saver', 'Northbank Current Account', 'Northbank Credit Card', 'Northbank Exchange')
MON = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')
MONTH = ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
         'October', 'November', 'December')
WORDS = ('zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten')

errors = []


def err(msg):
    errors.append(msg)


# ------------------------------------------------------------------ seed (independent parser)
def last_sunday(y, m):
    d = date(y, m + 1, 1) - timedelta(days=1) if m < 12 else date(y, 12, 31)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def uk_day(ts):
    utc = datetime.strptime(ts[:19], '%Y-%m-%d %H:%M:%S')
    start = datetime.combine(last_sunday(utc.year, 3), datetime.min.time()) + timedelta(hours=1)
    end = datetime.combine(last_sunday(utc.year, 10), datetime.min.time()) + timedelta(hours=1)
    local = utc + timedelta(hours=1) if start <= utc < end else utc
    return local.date().isoformat()


def load_seed():
    people = []
    with open(SEED, encoding='utf-8') as fh:
        for raw in fh:
            raw = raw.strip()
            if raw.startswith('====='):
                people.append({'acc': {}, 'card': {}, 'sch': {}, 'tx': []})
                continue
            head, sep, body = raw.partition(' ')
            if not body.startswith('('):
                continue
            v = ast.literal_eval(body)
            p = people[-1]
            if head == 'ACCOUNT':
                p['acc'][v[1]] = v
            elif head == 'CARD':
                p['card'][v[1]] = v
            elif head in ('DIRECT_DEBIT', 'STANDING_ORDER'):
                p['sch'][v[0]] = v
            elif head == 'TX':
                p['tx'].append(v + (uk_day(v[0]),))
    return people


# tx tuple: 0 ts, 1 merchant, 2 amount, 3 cur, 4 cat, 5 status, 6 account, 7 uk day
def hit(t, f):
    lst = lambda x: x if isinstance(x, list) else [x]  # noqa: E731
    return all([
        f.get('account', t[6]) == t[6],
        'merchant' not in f or t[1] in lst(f['merchant']),
        t[1] not in f.get('exclude', ()),
        'category' not in f or t[4] in lst(f['category']),
        f.get('sign') != 'out' or t[2] < 0,
        f.get('sign') != 'in' or t[2] > 0,
        f.get('start', '0000') <= t[7] <= f.get('end', '9999'),
    ])


def safe(rows, f, what):
    named = f.get('merchant', [])
    named = named if isinstance(named, list) else [named]
    for t in rows:
        if t[5] != 'posted':
            raise ValueError('%s touches %s row %s %s' % (what, t[5], t[7], t[1]))
        if t[1] in OWN and t[1] not in named:
            raise ValueError('%s touches own-account transfer %s %s' % (what, t[7], t[1]))
    if len({t[3] for t in rows}) != 1:
        raise ValueError('%s mixes currencies' % what)


def rows_for(p, f):
    rows = [t for t in p['tx'] if hit(t, f)]
    if not rows:
        raise ValueError('no rows for %r' % f)
    return rows


def one_tx(p, f, how):
    rows = rows_for(p, f)
    if how == 'max' or how == 'min':
        safe(rows, f, how)
        sizes = sorted(abs(t[2]) for t in rows)
        target = sizes[-1] if how == 'max' else sizes[0]
        cand = [t for t in rows if abs(t[2]) == target]
        if len(cand) != 1:
            raise ValueError('tie')
        return cand[0]
    rows.sort(key=lambda t: t[0])
    top = rows[::-1][:how]
    if len(top) < how:
        raise ValueError('too few rows')
    safe(top, f, 'latest-%d' % how)
    if len(rows) > how and rows[::-1][how][0] == top[-1][0]:
        raise ValueError('timestamp tie')
    return top[-1]


def value(p, q):
    if q[0] == 'balance':
        return ('amount', p['acc'][q[1]][3])
    if q[0] == 'sched':
        s = p['sch'][q[1]]
        return ('amount', s[1]) if q[2] == 'amount' else ('date', s[3])
    if q[0] == 'sum':
        rows = rows_for(p, q[1])
        safe(rows, q[1], 'sum')
        return ('amount', abs(sum(t[2] for t in rows)))
    if q[0] == 'pick':
        return ('tx', one_tx(p, q[1], q[2]))
    raise ValueError(q)


def pounds(minor):
    minor = abs(minor)
    whole = str(minor // 100)
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ','.join(groups) + '.' + str(minor % 100).zfill(2)


def nth(d):
    return str(d) + ('th' if d in (11, 12, 13) else {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th'))


def dates(iso):
    y, m, d = map(int, iso.split('-'))
    mo, full = MON[m - 1], MONTH[m - 1]
    dm = '%s/%s' % (str(d).zfill(2), str(m).zfill(2))
    if d < 10:
        return [' %d %s' % (d, mo), nth(d) + ' ' + mo, '%s %d' % (full, d), iso, dm]
    return ['%d %s' % (d, mo), nth(d) + ' ' + mo, '%s %d' % (full, d), '%d %s' % (d, full), iso, dm]


def expected(p, fact):
    """-> (contains list, any list or None, figure string that must appear in the description)."""
    kind, arg = fact
    if kind in ('amt', 'amt_any', 'date'):
        vk, v = value(p, arg)
        if vk == 'tx':
            v = v[7] if kind == 'date' else v[2]
            vk = 'date' if kind == 'date' else 'amount'
        if kind == 'date':
            assert vk == 'date'
            return [], dates(v), v
        assert vk == 'amount'
        s = pounds(v)
        if kind == 'amt_any':
            if abs(v) < 100000:
                raise ValueError('amt_any used below 1,000')
            return [], [s, s.replace(',', '')], s
        return [s[s.index(',') + 1:] if ',' in s else s], None, s
    if kind == 'count':
        rows = rows_for(p, arg)
        safe(rows, arg, 'count')
        n = len(rows)
        return [], [WORDS[n]] + ['%d %s' % (n, w) for w in
                                 ('times', 'payments', 'transactions', 'charges', 'purchases', 'orders')], \
            'count %d' % n
    if kind == 'last4':
        return [p['card'][arg][1]], None, arg
    if kind == 'expiry':
        c = p['card'][arg]
        mm, yy = c[3], c[4]
        return [], ['%02d/%04d' % (mm, yy), '%02d/%02d' % (mm, yy - 2000), '%s %d' % (MONTH[mm - 1], yy)], \
            '%02d/%d' % (mm, yy)
    if kind == 'acct':
        return [p['acc'][arg][4]], None, p['acc'][arg][4]
    if kind == 'sort':
        s = p['acc'][arg][5]
        return [], [s[0:2] + '-' + s[2:4] + '-' + s[4:6], s, s[0:2] + ' ' + s[2:4] + ' ' + s[4:6]], s
    raise ValueError(kind)


# ------------------------------------------------------------------ format checks
BARE = re.compile(r'^\s*\d{1,2}\s*$')
AMOUNT = re.compile(r'^\d[\d,]*\.\d\d$')


def check_strings(where, items):
    if not isinstance(items, list) or not items:
        err('%s: must be a non-empty list' % where)
        return
    for s in items:
        if not isinstance(s, str):
            err('%s: %r is %s, not a string (quote it)' % (where, s, type(s).__name__))
            continue
        if BARE.match(s):
            err('%s: bare 1-2 digit number %r' % (where, s))
        if AMOUNT.match(s) and ',' in s and not re.match(r'^\d{1,3}(,\d{3})+\.\d\d$', s):
            err('%s: badly grouped amount %r' % (where, s))


def main():
    people = load_seed()
    if len(people) != 5:
        err('seed.txt: expected 5 customers, got %d' % len(people))
    spec = {c['name']: c for c in CONVS}
    if len(spec) != len(CONVS):
        err('spec: duplicate names')
    seen, says = {}, {}
    n_figures = 0
    for setname, prefix in (('setA', 'a-'), ('setB', 'b-')):
        d = os.path.join(OUT, setname)
        files = sorted(f for f in os.listdir(d))
        for f in files:
            if not f.endswith('.yaml'):
                err('%s/%s: unexpected file' % (setname, f))
        for f in [f for f in files if f.endswith('.yaml')]:
            where = '%s/%s' % (setname, f)
            with open(os.path.join(d, f), encoding='utf-8') as fh:
                doc = yaml.safe_load(fh)
            stem = f[:-5]
            if not isinstance(doc, dict):
                err('%s: not a mapping' % where)
                continue
            if list(doc) != ['name', 'description', 'categories', 'customer', 'turns']:
                err('%s: fields %s' % (where, list(doc)))
            if doc.get('name') != stem:
                err('%s: name %r != file stem' % (where, doc.get('name')))
            if not stem.startswith(prefix):
                err('%s: name must start with %r' % (where, prefix))
            if not isinstance(doc.get('description'), str) or len(doc['description']) < 20:
                err('%s: description missing/short' % where)
            cats = doc.get('categories')
            if not (isinstance(cats, list) and cats and all(isinstance(c, str) for c in cats)
                    and cats[0] in KINDS):
                err('%s: categories %r' % (where, cats))
                continue
            kind = cats[0]
            if stem.split('-')[1] != kind:
                err('%s: name kind != categories[0]' % where)
            cust = doc.get('customer')
            if not (isinstance(cust, int) and 1 <= cust <= 5):
                err('%s: customer %r' % (where, cust))
                continue
            turns = doc.get('turns')
            if not (isinstance(turns, list) and 1 <= len(turns) <= 3):
                err('%s: 1-3 turns required' % where)
                continue
            if kind == 'fu' and len(turns) < 2:
                err('%s: follow-up needs >= 2 turns' % where)
            sp = spec.get(stem)
            if sp is None:
                err('%s: not in spec.py' % where)
                continue
            if (sp['kind'], sp['customer'], len(sp['turns'])) != (kind, cust, len(turns)):
                err('%s: kind/customer/turn count differ from spec' % where)
                continue
            if kind == 'mr' and len(sp['turns'][0]['facts']) < 2:
                err('%s: multi-request must ask >= 2 things' % where)
            seen[stem] = (setname, kind, cust)
            p = people[cust - 1]
            for i, (t, st) in enumerate(zip(turns, sp['turns']), 1):
                tw = '%s turn %d' % (where, i)
                if not isinstance(t, dict) or set(t) != {'say', 'expect'}:
                    err('%s: keys must be say, expect' % tw)
                    continue
                if not isinstance(t['say'], str) or not t['say'].strip():
                    err('%s: empty say' % tw)
                if t['say'] != st['say']:
                    err('%s: say differs from spec' % tw)
                says.setdefault(t['say'].strip().lower(), []).append(where)
                ex = t['expect']
                if not isinstance(ex, dict) or not set(ex) <= {'actions', 'reply_contains', 'reply_contains_any'}:
                    err('%s: expect keys %r' % (tw, list(ex) if isinstance(ex, dict) else ex))
                    continue
                if ex.get('actions') != 0 or isinstance(ex.get('actions'), bool):
                    err('%s: actions must be 0' % tw)
                for k in ('reply_contains', 'reply_contains_any'):
                    if k in ex:
                        check_strings('%s %s' % (tw, k), ex[k])
                want_all, want_any, figs = [], None, []
                try:
                    for fact in st['facts']:
                        a, b, fig = expected(p, fact)
                        want_all += a
                        figs.append(fig)
                        if b:
                            if want_any is not None:
                                raise ValueError('two reply_contains_any lists needed')
                            want_any = b
                except (ValueError, KeyError) as e:
                    err('%s: cannot recompute: %s' % (tw, e))
                    continue
                if sorted(ex.get('reply_contains', [])) != sorted(want_all):
                    err('%s: reply_contains %r, recomputed %r' % (tw, ex.get('reply_contains'), want_all))
                if ex.get('reply_contains_any') != want_any:
                    err('%s: reply_contains_any %r, recomputed %r' % (tw, ex.get('reply_contains_any'), want_any))
                if not ex.get('reply_contains') and not ex.get('reply_contains_any'):
                    err('%s: asserts nothing' % tw)
                for fig in figs:
                    if fig not in doc['description']:
                        err('%s: figure %s not explained in description' % (tw, fig))
                n_figures += len(st['facts'])
    # distribution
    for name in spec:
        if name not in seen:
            err('spec conversation %s has no YAML file' % name)
    for setname in ('setA', 'setB'):
        items = [v for v in seen.values() if v[0] == setname]
        if len(items) != 20:
            err('%s: %d files, want 20' % (setname, len(items)))
        for kind in KINDS:
            ks = [v for v in items if v[1] == kind]
            if len(ks) != 5:
                err('%s: %d %s files, want 5' % (setname, len(ks), kind))
            if {v[2] for v in ks} != {1, 2, 3, 4, 5}:
                err('%s: %s does not cover all 5 customers' % (setname, kind))
    # sentence reuse across the sets (exact turn text, or near-identical word sets for long turns)
    for s, where in says.items():
        if len({w.split('/')[0] for w in where}) > 1 and len(s.split()) > 2:
            err('turn text reused across sets: %r in %s' % (s, where))
    tok = lambda s: set(re.findall(r'[a-z&]+', s))  # noqa: E731
    a_says = [(s, w) for s, ws in says.items() for w in ws if w.startswith('setA')]
    b_says = [(s, w) for s, ws in says.items() for w in ws if w.startswith('setB')]
    for sa, wa in a_says:
        for sb, wb in b_says:
            ta, tb = tok(sa), tok(sb)
            if len(ta) >= 5 and len(tb) >= 5 and len(ta & tb) / len(ta | tb) > 0.6:
                err('similar sentences across sets: %s %r / %s %r' % (wa, sa, wb, sb))
    n_files = len(seen)
    if errors:
        print('FAIL: %d problem(s)' % len(errors))
        for e in errors:
            print(' -', e)
        return 1
    print('OK: %d files (setA %d, setB %d), %d turns, %d figures recomputed from seed.txt, 0 problems'
          % (n_files, sum(1 for v in seen.values() if v[0] == 'setA'),
             sum(1 for v in seen.values() if v[0] == 'setB'),
             sum(len(spec[n]['turns']) for n in seen), n_figures))
    return 0


if __name__ == '__main__':
    sys.exit(main())
