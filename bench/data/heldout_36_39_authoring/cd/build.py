#!/usr/bin/env python3
"""Writes setC/*.yaml, setD/*.yaml, specs.json and README.md.
Every asserted figure is computed from ../seed.txt via check.evaluate()."""
import json, os
import yaml
import check

HERE = os.path.dirname(os.path.abspath(__file__))
C = check.parse_seed()

# ---- figure helpers: (kind, mode, calc)
def fig(kind, mode, **calc):
    return {'kind': kind, 'mode': mode, 'calc': calc}
def M(**c):  return fig('money', 'contains', **c)          # amount (tail if >= 1,000)
def DATE(**c): return fig('date', 'any', **c)
def EXP(cust, last4): return fig('expiry', 'any', op='expiry', cust=cust, last4=last4)
def SORT(cust, acc): return fig('sortcode', 'any', op='sortcode', cust=cust, account=acc)
def TXT(**c): return fig('text', 'contains', **c)
def CNT(**c): return fig('count', 'any', op='count', **c)
def STAT(**c): return fig('status', 'any', **c)
def STAT1(**c): return fig('status1', 'contains', **c)

CONVS = []
def conv(name, kind, cust, desc, turns, extra_cats=()):
    CONVS.append(dict(name=name, kind=kind, cust=cust, desc=desc, turns=turns, cats=[kind, *extra_cats]))

# =========================================================== set C
conv('c-mr-jake-saver-sky', 'mr', 1,
     'Two things in one texting-style message: Easy Saver balance and the next Sky direct debit date.',
     [("hiya can u tell me hw much is in my easy saver n wen sky goes out next",
       [M(op='balance', cust=1, account='Easy Saver'),
        DATE(op='sched_next', cust=1, payee='Sky')])])
conv('c-mr-maurice-euro-bt', 'mr', 4,
     'Formal elderly message asking three things: the EUR account number, the BT direct debit amount and its next date.',
     [("Good afternoon. Could you kindly give me the account number of my euro account, and also tell me how "
       "much the BT direct debit is and when it next goes out? Many thanks, M. Price",
       [TXT(op='acctno', cust=4, account='EUR Current Account'),
        M(op='sched_amount', cust=4, payee='BT'),
        DATE(op='sched_next', cust=4, payee='BT')])])
conv('c-mr-sarah-dash-list', 'mr', 5,
     'Dashed list of three: amount of the last salary, current balance, Sky direct debit amount.',
     [("doing my budget for december so need 3 things\n- last salary amount\n- current balance\n- what the sky dd is",
       [M(op='pick_amount', cust=5, category='salary', sign='in', pick='last'),
        M(op='balance', cust=5, account='Current Account'),
        M(op='sched_amount', cust=5, payee='Sky')])])

conv('c-tot-jake-groceries-oct', 'tot', 1,
     'Grocery spending in October (money out, category groceries, posted, 1-31 Oct).',
     [("me n the wife are trying to cut back, what did we spend on food shopping in october? just groceries not takeaways",
       [M(op='sum', cust=1, category='groceries', sign='out', frm='2026-10-01', to='2026-10-31')])])
conv('c-tot-maurice-morrisons-count', 'tot', 4,
     'Number of Morrisons payments since 1 September and their total.',
     [("how many times have i been to morrisons since september and what did it all come to",
       [M(op='sum', cust=4, merchant='Morrisons', sign='out', frm='2026-09-01', to='2026-11-28'),
        CNT(cust=4, merchant='Morrisons', sign='out', frm='2026-09-01', to='2026-11-28')])])
conv('c-tot-sarah-in-out-oct', 'tot', 5,
     'Money in vs money out for October (all posted rows 1-31 Oct; no own-account transfers exist for this customer).',
     [("can you do me a money in vs money out for last month",
       [M(op='sum', cust=5, sign='in', frm='2026-10-01', to='2026-10-31'),
        M(op='sum', cust=5, sign='out', frm='2026-10-01', to='2026-10-31')])])

conv('c-range-sarah-sep-10-21', 'range', 5,
     'Everything spent between 10 and 21 September inclusive.',
     [("what did i spend between the 10th and the 21st of september? i remember a big ikea trip in there somewhere",
       [M(op='sum', cust=5, sign='out', frm='2026-09-10', to='2026-09-21')])])
conv('c-range-maurice-groceries-sep-oct', 'range', 4,
     'Groceries in September and October together (1 Sep - 31 Oct, money out).',
     [("Please may I know what I spent on groceries in September and October together.",
       [M(op='sum', cust=4, category='groceries', sign='out', frm='2026-09-01', to='2026-10-31')])])
conv('c-range-jake-first-half-sep', 'range', 1,
     'Money out of the Current Account 1-15 September, excluding the standing order to Northbank Easy Saver (customer says so).',
     [("first half of september - how much went out of my current account? dont count the 355 i moved into savings",
       [M(op='sum', cust=1, account='Current Account', sign='out', frm='2026-09-01', to='2026-09-15',
          exclude_merchant='Northbank Easy Saver')])])

conv('c-fu-jake-takeaways', 'fu', 1,
     'Eating-out (takeaway) spending in September, then "and october?", then "add those up".',
     [("how much did i blow on takeaways in september lol",
       [M(op='sum', cust=1, category='eating_out', sign='out', frm='2026-09-01', to='2026-09-30')]),
      ("and october?",
       [M(op='sum', cust=1, category='eating_out', sign='out', frm='2026-10-01', to='2026-10-31')]),
      ("add those up for me",
       [M(op='sum', cust=1, category='eating_out', sign='out', frm='2026-09-01', to='2026-10-31')])])
conv('c-fu-maurice-cards', 'fu', 4,
     'Expiry of card 2547, then "what about the other card" (0363).',
     [("When does my card ending 2547 expire please?", [EXP(4, '2547')]),
      ("and what about the other card", [TXT(op='card_other', cust=4, last4='2547'), EXP(4, '0363')])])
conv('c-fu-kathleen-octopus', 'fu', 2,
     'Octopus Energy payment last month (amount + date), then "and the month before that?".',
     [("how much did octopus take off me last month",
       [M(op='pick_amount', cust=2, merchant='Octopus Energy', sign='out', frm='2026-10-01', to='2026-10-31', pick='last'),
        DATE(op='pick_date', cust=2, merchant='Octopus Energy', sign='out', frm='2026-10-01', to='2026-10-31', pick='last')]),
      ("and the month before that?",
       [M(op='pick_amount', cust=2, merchant='Octopus Energy', sign='out', frm='2026-09-01', to='2026-09-30', pick='last'),
        DATE(op='pick_date', cust=2, merchant='Octopus Energy', sign='out', frm='2026-09-01', to='2026-09-30', pick='last')])])

conv('c-rec-jake-dd-list', 'rec', 1,
     'Which direct debits exist and their monthly total (British Gas + Northbank Credit Card + Sky).',
     [("Which direct debits come out of my account and what's the monthly total of them",
       [TXT(op='payee', cust=1, type='DIRECT_DEBIT', text='British Gas'),
        TXT(op='payee', cust=1, type='DIRECT_DEBIT', text='Credit Card'),
        TXT(op='payee', cust=1, type='DIRECT_DEBIT', text='Sky'),
        M(op='sched_total', cust=1, type='DIRECT_DEBIT')])])
conv('c-rec-kathleen-mortgage-year', 'rec', 2,
     'Monthly Nationwide Building Society direct debit and what it costs over 12 months.',
     [("my husband asked what the nationwide mortgage costs us over a whole year, can you work it out? and whats the monthly amount",
       [M(op='sched_amount', cust=2, payee='Nationwide Building Society', times=12),
        M(op='sched_amount', cust=2, payee='Nationwide Building Society')])])
conv('c-rec-damien-sky-changed', 'rec', 3,
     'Whether the Sky payment changed since September: same amount on every Sky row since 1 September.',
     [("Has the Sky payment gone up at all since September? Just checking before I ring them about the broadband",
       [M(op='constant', cust=3, merchant='Sky', sign='out', frm='2026-09-01', to='2026-11-28', min_rows=3)])])

conv('c-stat-jake-tesco-pending', 'stat', 1,
     "Status of last night's (27 Nov) Tesco payment: pending.",
     [("has the tesco payment from last night actually left my account yet",
       [M(op='pick_amount', cust=1, merchant='Tesco', status='any', frm='2026-11-27', to='2026-11-27', pick='last'),
        STAT1(op='pick_status', cust=1, merchant='Tesco', status='any', frm='2026-11-27', to='2026-11-27', pick='last')])])
conv('c-stat-damien-lost-card', 'stat', 3,
     'Which card is marked lost (9109) and which one is active (5915).',
     [("i reported one of my cards lost a while back, which one was it and whats the other ones number",
       [TXT(op='card_with_status', cust=3, status='lost'),
        TXT(op='card_with_status', cust=3, status='active')])])
conv('c-stat-sarah-expiry', 'stat', 5,
     'Card expiry and last four digits of the only card.',
     [("the numbers on my card have worn off, can you tell me when it expires and the last 4 digits so i know its the right one",
       [TXT(op='card_with_status', cust=5, status='active'), EXP(5, '9139')])])

# =========================================================== set D
conv('d-mr-kathleen-budget', 'mr', 2,
     'Three requests: Virgin Media direct debit amount, next Nationwide payment date, salary received this month.',
     [("doing the household budget tonight... whats virgin media charging me, when's the next nationwide payment due "
       "and how much did my salary come to this month",
       [M(op='sched_amount', cust=2, payee='Virgin Media'),
        DATE(op='sched_next', cust=2, payee='Nationwide Building Society'),
        M(op='sum', cust=2, category='salary', sign='in', frm='2026-11-01', to='2026-11-28')])])
conv('d-mr-damien-landlord', 'mr', 3,
     'Account number, sort code and balance for a new landlord.',
     [("New landlord needs my bank details for the rent. Can I have the account number and sort code? "
       "Also what's my balance right now",
       [TXT(op='acctno', cust=3, account='Current Account'),
        M(op='balance', cust=3, account='Current Account'),
        SORT(3, 'Current Account')])])
conv('d-mr-jake-cc-gas', 'mr', 1,
     'Credit card balance owed plus total of British Gas payments since September.',
     [("what do i owe on my credit card atm? while im at it how much have my british gas bills come to since september",
       [M(op='balance', cust=1, account='Credit Card'),
        M(op='sum', cust=1, merchant='British Gas', sign='out', frm='2026-09-01', to='2026-11-28')])])

conv('d-tot-damien-last-three', 'tot', 3,
     'The last three payments out (most recent first).',
     [("could you list my last three payments out please",
       [M(op='pick_amount', cust=3, sign='out', pick='nth_last:1'),
        M(op='pick_amount', cust=3, sign='out', pick='nth_last:2'),
        M(op='pick_amount', cust=3, sign='out', pick='nth_last:3')])])
conv('d-tot-maurice-entertainment', 'tot', 4,
     'Entertainment spending since 1 September (category entertainment, money out).',
     [("Since the start of September, how much have I spent on entertainment? Netflix, cinema, that kind of thing",
       [M(op='sum', cust=4, category='entertainment', sign='out', frm='2026-09-01', to='2026-11-28')])])
conv('d-tot-kathleen-grocery-big-small', 'tot', 2,
     'Biggest and smallest grocery payment since 1 September.',
     [("out of all my grocery shops since september whats the biggest one and the smallest",
       [M(op='pick_amount', cust=2, category='groceries', sign='out', frm='2026-09-01', to='2026-11-28', pick='max'),
        M(op='pick_amount', cust=2, category='groceries', sign='out', frm='2026-09-01', to='2026-11-28', pick='min')])])

conv('d-range-damien-nov-1-20', 'range', 3,
     'Total money out 1-20 November.',
     [("between the 1st and the 20th of this month how much has gone out",
       [M(op='sum', cust=3, sign='out', frm='2026-11-01', to='2026-11-20')])])
conv('d-range-kathleen-second-half-sep', 'range', 2,
     'Money out in the second half of September (16-30 Sep); no own-account transfers fall in that range.',
     [("wat went out of my account in the second half of september",
       [M(op='sum', cust=2, sign='out', frm='2026-09-16', to='2026-09-30')])])
conv('d-range-jake-since-wages', 'range', 1,
     'Money out of the Current Account since the salary of 24 Nov, pending rows included as the customer asks.',
     [("since my wages landed on the 24th how much has gone out altogether, and yes include the stuff thats still pending",
       [M(op='sum', cust=1, account='Current Account', sign='out', status=['posted', 'pending'],
          frm='2026-11-24', to='2026-11-28')])])

conv('d-fu-sarah-sky', 'fu', 5,
     'Date and amount of the last Sky payment, then "n the one before that?".',
     [("when was sky last taken from my acc",
       [M(op='pick_amount', cust=5, merchant='Sky', sign='out', pick='nth_last:1'),
        DATE(op='pick_date', cust=5, merchant='Sky', sign='out', pick='nth_last:1')]),
      ("n the one before that?",
       [DATE(op='pick_date', cust=5, merchant='Sky', sign='out', pick='nth_last:2')])])
conv('d-fu-damien-wages', 'fu', 3,
     "October wages, then this month's wages (date + amount), then the two added together.",
     [("How much were my wages in October?",
       [M(op='sum', cust=3, category='salary', sign='in', frm='2026-10-01', to='2026-10-31')]),
      ("and this month's, has it arrived?",
       [M(op='sum', cust=3, category='salary', sign='in', frm='2026-11-01', to='2026-11-28'),
        DATE(op='pick_date', cust=3, category='salary', sign='in', frm='2026-11-01', to='2026-11-28', pick='last')]),
      ("put the two together for me",
       [M(op='sum', cust=3, category='salary', sign='in', frm='2026-10-01', to='2026-11-28')])])
conv('d-fu-kathleen-balances', 'fu', 2,
     'Current account balance, then "how about on the savings", then interest paid on the saver this month.',
     [("whats my current account balance", [M(op='balance', cust=2, account='Current Account')]),
      ("how about on the savings", [M(op='balance', cust=2, account='Easy Saver')]),
      ("did it earn any interest this month",
       [M(op='sum', cust=2, category='interest', account='Easy Saver', sign='in', frm='2026-11-01', to='2026-11-28')])])

conv('d-rec-maurice-dd-total', 'rec', 4,
     'Which direct debits there are and what they add up to per month (BT + Nationwide Building Society).',
     [("my direct debits, what are they and what do they add up to each month?",
       [TXT(op='payee', cust=4, type='DIRECT_DEBIT', text='BT'),
        TXT(op='payee', cust=4, type='DIRECT_DEBIT', text='Nationwide'),
        M(op='sched_total', cust=4, type='DIRECT_DEBIT')])])
conv('d-rec-sarah-pay', 'rec', 5,
     "When this month's pay arrived and whether it matched October's (same amount both months).",
     [("when did my pay go in this month and was it the same as october's",
       [M(op='constant', cust=5, category='salary', sign='in', frm='2026-10-01', to='2026-11-28', min_rows=2),
        DATE(op='pick_date', cust=5, category='salary', sign='in', frm='2026-11-01', to='2026-11-28', pick='last')])])
conv('d-rec-jake-oliver', 'rec', 1,
     'Standing order to Oliver Lewis: monthly amount, yearly cost (x12) and next date.',
     [("how much goes to oliver every month, when's the next one, and what's that over a year",
       [M(op='sched_amount', cust=1, payee='Oliver Lewis'),
        M(op='sched_amount', cust=1, payee='Oliver Lewis', times=12),
        DATE(op='sched_next', cust=1, payee='Oliver Lewis')])])

conv('d-stat-maurice-sortcode', 'stat', 4,
     'Account number and sort code of the GBP current account.',
     [("whats the sort code n account number for my main account, the pounds one not euros",
       [TXT(op='acctno', cust=4, account='Current Account'), SORT(4, 'Current Account')])])
conv('d-stat-kathleen-card', 'stat', 2,
     'Whether the Visa card is active and its expiry.',
     [("is my visa card still active and when does it run out",
       [STAT1(op='card_status', cust=2, last4='9078'), EXP(2, '9078')])])
conv('d-stat-jake-currys', 'stat', 1,
     'Status of the Currys payment of 15 Nov: reversed.',
     [("there was a currys payment of 45.99 on the 15th, did that actually go out or not?",
       [M(op='pick_amount', cust=1, merchant='Currys', status='any', frm='2026-11-15', to='2026-11-15', pick='last'),
        STAT(op='pick_status', cust=1, merchant='Currys', status='any', frm='2026-11-15', to='2026-11-15', pick='last')])])


# =========================================================== writing
def label(f, v):
    k = f['kind']
    if k in ('money', 'money_full'): return check.money(v)
    if k == 'date': return v.isoformat()
    if k == 'expiry': return f'{v[0]:02d}/{v[1]}'
    return str(v)

def main():
    specs, readme = {}, []
    for d in ('setC', 'setD'):
        for fn in os.listdir(os.path.join(HERE, d)):
            os.remove(os.path.join(HERE, d, fn))
    for c in CONVS:
        s = 'setC' if c['name'].startswith('c-') else 'setD'
        ev_parts, turns, readme_turns = [], [], []
        for i, (say, figs) in enumerate(c['turns'], 1):
            exp = check.expected_expect(C, figs)
            turns.append({'say': say, 'expect': exp})
            for f in figs:
                v, rows = check.evaluate(C, f['calc'])
                rtxt = '; '.join(check.describe_row(r) for r in rows)
                ev_parts.append(f"turn {i} {f['calc']['op']} = {label(f, v)} <- {rtxt}")
            readme_turns.append((i, figs))
        desc = c['desc'] + ' Evidence (seed.txt): ' + ' | '.join(ev_parts)
        doc = {'name': c['name'], 'description': desc, 'categories': c['cats'],
               'customer': c['cust'], 'turns': turns}
        with open(os.path.join(HERE, s, c['name'] + '.yaml'), 'w', encoding='utf-8') as fh:
            yaml.safe_dump(doc, fh, sort_keys=False, allow_unicode=True, width=110)
        specs[f"{s}/{c['name']}.yaml"] = {'customer': c['cust'], 'turns': [figs for _, figs in c['turns']]}
        readme.append((s, c, ev_parts))
    json.dump(specs, open(os.path.join(HERE, 'specs.json'), 'w'), indent=1)
    names = ['', 'Jake Lewis', 'Kathleen Hicks', 'Damien Norman', 'Maurice Price', 'Sarah Schofield']
    out = ['# out2: two sets of read-only banking-chat test conversations', '',
           'Written only from ../BRIEF2.md, ../seed.txt, ../example.yaml and ../example2.yaml. "Today" = Sat 2026-11-28.',
           '',
           '* `setC/` 18 files (`c-*`), `setD/` 18 files (`d-*`): 3 of each kind (mr, tot, range, fu, rec, stat) per set, all 5 customers in each set.',
           '* `build.py` holds the conversations and a machine-readable recipe for every figure; it computes the figures from seed.txt and writes the YAML, `specs.json` and this README.',
           '* `check.py` re-parses every YAML with `yaml.safe_load`, checks fields/conventions (names, prefixes, kinds, quoting, no bare 1-2 digit numbers, no full >=1,000 amount in reply_contains, one any-list per turn, every used seed row cited in the description, no 5-word run shared between the sets) and recomputes every asserted figure from seed.txt via `specs.json`. Run: `python3 check.py`.',
           '* Amounts >= 1,000 are asserted by the part after the comma (e.g. 4,757.00 -> `757.00`). Booking times were converted UTC -> Europe/London; no row changes date.',
           '']
    for s in ('setC', 'setD'):
        out += [f'## {s}', '']
        for s2, c, ev in readme:
            if s2 != s: continue
            out.append(f"### {c['name']}.yaml  ({c['kind']}, customer {c['cust']} {names[c['cust']]})")
            out.append(c['desc'])
            for i, (say, _) in enumerate(c['turns'], 1):
                out.append(f'- turn {i}: "' + say.replace(chr(10), ' / ') + '"')
            for e in ev:
                out.append(f'  - {e}')
            out.append('')
    open(os.path.join(HERE, 'README.md'), 'w').write('\n'.join(out))

if __name__ == '__main__':
    main()
