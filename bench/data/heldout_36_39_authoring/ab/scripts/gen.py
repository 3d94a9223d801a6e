#!/usr/bin/env python3
"""Generate out/setA/*.yaml, out/setB/*.yaml and out/README.md from seed.txt + spec.py.

Every figure is computed here from seed.txt; nothing is typed by hand.
Run:  python3 out/scripts/gen.py
"""
import os
import re
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
BRIEF = os.path.dirname(OUT)
sys.path.insert(0, HERE)
from spec import CONVS  # noqa: E402

LONDON = ZoneInfo('Europe/London')
OWN_ACCOUNT_ROWS = {'Northbank Easy Saver', 'Northbank Current Account',
                    'Northbank Credit Card', 'Northbank Exchange'}
MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
          'September', 'October', 'November', 'December']
NUMWORDS = {1: 'one', 2: 'two', 3: 'three', 4: 'four', 5: 'five', 6: 'six', 7: 'seven',
            8: 'eight', 9: 'nine', 10: 'ten'}


# ----------------------------------------------------------------- seed parsing
TUP = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"|(-?\d+)")


def tup(text):
    vals = []
    for m in TUP.finditer(text):
        if m.group(3) is not None:
            vals.append(int(m.group(3)))
        else:
            vals.append(m.group(1) if m.group(1) is not None else m.group(2))
    return vals


def parse_seed(path):
    custs = []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('===================='):
            custs.append(dict(name=line.strip('= ').strip(), accounts=[], cards=[], sched=[], tx=[]))
            continue
        kw, _, rest = line.partition(' ')
        if kw == 'ACCOUNT':
            kind, name, cur, bal, num, sort = tup(rest)
            custs[-1]['accounts'].append(dict(kind=kind, name=name, cur=cur, bal=bal, num=num, sort=sort))
        elif kw == 'CARD':
            brand, last4, status, mm, yy = tup(rest)
            custs[-1]['cards'].append(dict(brand=brand, last4=last4, status=status, mm=mm, yy=yy))
        elif kw in ('DIRECT_DEBIT', 'STANDING_ORDER'):
            payee, amount, freq, nxt, status = tup(rest)
            custs[-1]['sched'].append(dict(type=kw, payee=payee, amount=amount, freq=freq,
                                           next=nxt, status=status))
        elif kw == 'TX':
            ts, merchant, amount, cur, cat, status, acct = tup(rest)
            utc = datetime.strptime(ts, '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=timezone.utc)
            custs[-1]['tx'].append(dict(ts=ts, utc=utc, day=utc.astimezone(LONDON).date().isoformat(),
                                        merchant=merchant, amount=amount, cur=cur, cat=cat,
                                        status=status, account=acct))
    return custs


# ----------------------------------------------------------------- evaluation
class Ambiguous(Exception):
    pass


def as_list(v):
    return v if isinstance(v, list) else [v]


def matches(t, f):
    if 'account' in f and t['account'] != f['account']:
        return False
    if 'merchant' in f and t['merchant'] not in as_list(f['merchant']):
        return False
    if t['merchant'] in f.get('exclude', []):
        return False
    if 'category' in f and t['cat'] not in as_list(f['category']):
        return False
    if f.get('sign') == 'out' and t['amount'] >= 0:
        return False
    if f.get('sign') == 'in' and t['amount'] <= 0:
        return False
    if 'start' in f and t['day'] < f['start']:
        return False
    if 'end' in f and t['day'] > f['end']:
        return False
    return True


def guard(rows, f):
    for t in rows:
        if t['status'] != 'posted':
            raise Ambiguous('non-posted row %s %s %s' % (t['ts'], t['merchant'], t['status']))
        if t['merchant'] in OWN_ACCOUNT_ROWS and t['merchant'] not in as_list(f.get('merchant', [])):
            raise Ambiguous('own-account transfer row %s %s' % (t['ts'], t['merchant']))
    if len({t['cur'] for t in rows}) > 1:
        raise Ambiguous('mixed currencies')


def select(c, f):
    rows = [t for t in c['tx'] if matches(t, f)]
    if not rows:
        raise Ambiguous('no rows for %r' % (f,))
    return rows


def pick(c, f, how):
    rows = select(c, f)
    if how in ('max', 'min'):
        guard(rows, f)
        key = lambda t: abs(t['amount'])  # noqa: E731
        best = max(rows, key=key) if how == 'max' else min(rows, key=key)
        if sum(1 for t in rows if key(t) == key(best)) != 1:
            raise Ambiguous('tie for %s' % how)
        return best
    rows = sorted(rows, key=lambda t: t['ts'], reverse=True)
    if len(rows) < how:
        raise Ambiguous('not enough rows')
    guard(rows[:how], f)
    if len(rows) > how and rows[how]['ts'] == rows[how - 1]['ts']:
        raise Ambiguous('timestamp tie')
    return rows[how - 1]


def cust_account(c, name):
    accts = [a for a in c['accounts'] if a['name'] == name]
    assert len(accts) == 1, name
    return accts[0]


def evaluate(c, q):
    """Return (value, kind, rows-note). kind: 'amount' | 'date'."""
    op = q[0]
    if op == 'balance':
        a = cust_account(c, q[1])
        return a['bal'], 'amount', 'ACCOUNT %s balance %d (%s)' % (a['name'], a['bal'], a['cur'])
    if op == 'sched':
        s = [x for x in c['sched'] if x['payee'] == q[1]]
        assert len(s) == 1, q
        s = s[0]
        note = '%s %s %d %s next %s' % (s['type'], s['payee'], s['amount'], s['freq'], s['next'])
        return (s['amount'], 'amount', note) if q[2] == 'amount' else (s['next'], 'date', note)
    if op == 'sum':
        rows = select(c, q[1])
        guard(rows, q[1])
        note = ' + '.join('TX %s %s %d' % (t['day'], t['merchant'], t['amount']) for t in rows)
        return abs(sum(t['amount'] for t in rows)), 'amount', note
    if op == 'pick':
        t = pick(c, q[1], q[2])
        return t, 'tx', 'TX %s %s %d (%s, %s)' % (t['day'], t['merchant'], t['amount'], t['cur'], t['account'])
    raise ValueError(q)


def money(minor):
    minor = abs(minor)
    return '{:,}.{:02d}'.format(minor // 100, minor % 100)


def ordinal(d):
    if 10 <= d % 100 <= 20:
        suf = 'th'
    else:
        suf = {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th')
    return '%d%s' % (d, suf)


def date_spellings(iso):
    y, m, d = (int(x) for x in iso.split('-'))
    mon = MONTHS[m - 1]
    if d < 10:
        return [' %d %s' % (d, mon[:3]), '%s %s' % (ordinal(d), mon[:3]), '%s %d' % (mon, d),
                iso, '%02d/%02d' % (d, m)]
    return ['%d %s' % (d, mon[:3]), '%s %s' % (ordinal(d), mon[:3]), '%s %d' % (mon, d),
            '%d %s' % (d, mon), iso, '%02d/%02d' % (d, m)]


def render_fact(c, fact):
    """Return (list for reply_contains, list-or-None for reply_contains_any, note, shown figure)."""
    kind, arg = fact
    if kind in ('amt', 'amt_any', 'date'):
        val, vk, note = evaluate(c, arg)
        if vk == 'tx':
            val = val['amount'] if kind != 'date' else val['day']
        if kind == 'date':
            return [], date_spellings(val), note, val
        s = money(val)
        if kind == 'amt_any':
            assert abs(val) >= 100000
            return [], [s, s.replace(',', '')], note, s
        if abs(val) >= 100000:
            return [s.split(',', 1)[1]], None, note, s
        return [s], None, note, s
    if kind == 'count':
        rows = select(c, arg)
        guard(rows, arg)
        n = len(rows)
        note = ' , '.join('TX %s %s %d' % (t['day'], t['merchant'], t['amount']) for t in rows)
        return [], [NUMWORDS[n]] + ['%d %s' % (n, w) for w in
                                    ('times', 'payments', 'transactions', 'charges', 'purchases', 'orders')], \
            note, 'count %d' % n
    if kind in ('expiry', 'last4'):
        cards = [x for x in c['cards'] if x['last4'] == arg]
        assert len(cards) == 1
        k = cards[0]
        note = 'CARD %s %s %s %d/%d' % (k['brand'], k['last4'], k['status'], k['mm'], k['yy'])
        if kind == 'last4':
            return [k['last4']], None, note, k['last4']
        return [], ['%02d/%d' % (k['mm'], k['yy']), '%02d/%02d' % (k['mm'], k['yy'] % 100),
                    '%s %d' % (MONTHS[k['mm'] - 1], k['yy'])], note, '%02d/%d' % (k['mm'], k['yy'])
    if kind in ('acct', 'sort'):
        a = cust_account(c, arg)
        note = 'ACCOUNT %s number %s sort %s' % (a['name'], a['num'], a['sort'])
        if kind == 'acct':
            return [a['num']], None, note, a['num']
        s = a['sort']
        return [], ['%s-%s-%s' % (s[:2], s[2:4], s[4:]), s, '%s %s %s' % (s[:2], s[2:4], s[4:])], note, s
    raise ValueError(fact)


class LitStr(str):
    pass


def lit_repr(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')


yaml.SafeDumper.add_representer(LitStr, lit_repr)

EXTRA_TAGS = {'balance': 'balance', 'sched': 'scheduled_payments', 'sum': 'transactions',
              'pick': 'transactions'}


def build(conv, custs):
    c = custs[conv['customer'] - 1]
    turns, notes, tags = [], [], []
    for i, t in enumerate(conv['turns'], 1):
        rc, rca, tn = [], None, []
        for fact in t['facts']:
            all_, any_, note, shown = render_fact(c, fact)
            rc += all_
            if any_:
                if rca is not None:
                    raise SystemExit('%s turn %d: two reply_contains_any lists' % (conv['name'], i))
                rca = any_
            tn.append((shown, note))
            if fact[0] in ('expiry', 'last4'):
                tags.append('cards')
            elif fact[0] in ('acct', 'sort'):
                tags.append('account_details')
            elif fact[0] == 'count':
                tags.append('transactions')
            else:
                tags.append(EXTRA_TAGS[fact[1][0]])
        expect = {'actions': 0}
        if rc:
            expect['reply_contains'] = rc
        if rca:
            expect['reply_contains_any'] = rca
        say = t['say']
        turns.append({'say': LitStr(say) if '\n' in say else say, 'expect': expect})
        notes.append(tn)
    desc_parts = [conv['ask']]
    for i, tn in enumerate(notes, 1):
        desc_parts.append('Turn %d: ' % i + '; '.join('%s <- %s' % (shown, note) for shown, note in tn) + '.')
    cats = [conv['kind']] + sorted(set(tags))
    doc = {'name': conv['name'], 'description': ' '.join(desc_parts), 'categories': cats,
           'customer': conv['customer'], 'turns': turns}
    return doc, notes


def main():
    custs = parse_seed(os.path.join(BRIEF, 'seed.txt'))
    readme = ['# Test conversations (brief36)', '',
              'Generated by `scripts/gen.py` from `seed.txt` and `scripts/spec.py`; verified by '
              '`scripts/check.py` (`python3 out/scripts/check.py`).', '',
              'Today is Sat 2026-11-28 (UK). Only posted rows are used; own-account transfer rows '
              '(Northbank Easy Saver / Current Account / Credit Card / Exchange), pending and reversed '
              'rows never feed a figure (the generator and checker refuse queries they would touch). '
              'Row dates are UK-local dates of `booked_at`. Amounts in the notes are minor units as in seed.txt.',
              '']
    for setname, prefix in (('setA', 'a-'), ('setB', 'b-')):
        d = os.path.join(OUT, setname)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.endswith('.yaml'):
                os.remove(os.path.join(d, f))
        readme += ['## %s' % setname, '']
        for conv in CONVS:
            if not conv['name'].startswith(prefix):
                continue
            doc, notes = build(conv, custs)
            with open(os.path.join(d, conv['name'] + '.yaml'), 'w', encoding='utf-8') as fh:
                yaml.safe_dump(doc, fh, sort_keys=False, allow_unicode=True, width=100)
            readme.append('- `%s/%s.yaml` (%s, customer %d %s): %s' % (
                setname, conv['name'], conv['kind'], conv['customer'], custs[conv['customer'] - 1]['name'],
                conv['ask']))
            for i, (t, tn) in enumerate(zip(conv['turns'], notes), 1):
                readme.append('  - turn %d "%s"' % (i, t['say'].replace('\n', ' ').strip()))
                for shown, note in tn:
                    readme.append('    - %s <- %s' % (shown, note))
        readme.append('')
    with open(os.path.join(OUT, 'README.md'), 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(readme))
    print('wrote', len(CONVS), 'conversations')


if __name__ == '__main__':
    main()
