"""Declarative spec of the 40 test conversations (data only, no figures).

Every figure asserted in a YAML file is described here as a *fact*: a query over
seed.txt plus a rendering kind.  gen.py evaluates the queries to write the YAML
files and README; check.py evaluates them again with its own, separately written
parser/evaluator and compares the result with what is in the YAML files.

Fact kinds
  ('amt', Q)      amount -> reply_contains ('63.50'; for >= 1,000 the part after the comma)
  ('amt_any', Q)  amount >= 1,000 -> reply_contains_any ['9,699.00', '9699.00']
  ('date', Q)     date -> reply_contains_any over spellings
  ('expiry', l4)  card expiry -> reply_contains_any ['07/2027', '07/27', 'July 2027']
  ('acct', name)  account number -> reply_contains
  ('sort', name)  sort code -> reply_contains_any ['92-40-58', '924058', '92 40 58']
  ('last4', l4)   card last four -> reply_contains
  ('count', F)    number of matching rows -> reply_contains_any ['three', '3 times', ...]

Queries Q
  ('balance', account_name)
  ('sched', payee, 'amount' | 'next')           direct debit / standing order
  ('sum', F)                                     |sum of amounts| of matching posted rows
  ('pick', F, 'max' | 'min' | n)                 one row: biggest / smallest / n-th latest

Filter F (dict; every key optional)
  account   account name           merchant  name or list       exclude  list of merchants
  category  name or list           sign      'out' | 'in'
  start/end UK-local dates, inclusive ('2026-10-01')
Only posted rows are counted; both evaluators refuse a query whose answer would
be touched by a pending/reversed row or by an own-account transfer row.
"""

SEP = {'start': '2026-09-01', 'end': '2026-09-30'}
OCT = {'start': '2026-10-01', 'end': '2026-10-31'}
NOV = {'start': '2026-11-01', 'end': '2026-11-28'}
SINCE_SEP = {'start': '2026-09-01', 'end': '2026-11-28'}


def F(*parts, **kw):
    d = {}
    for p in parts:
        d.update(p)
    d.update(kw)
    return d


CONVS = [
    # ------------------------------------------------------------------ set A
    # ---- mr
    dict(name='a-mr-jake-saver-and-oliver', kind='mr', customer=1,
         ask='Easy Saver balance and the next date of the standing order to Oliver Lewis.',
         turns=[dict(say='hiya can u tell me whats sitting in my easy saver atm and when the 50 '
                         'to my son oliver goes out next ta',
                     facts=[('amt', ('balance', 'Easy Saver')),
                            ('date', ('sched', 'Oliver Lewis', 'next'))])]),
    dict(name='a-mr-kathleen-acctno-expiry-octopus', kind='mr', customer=2,
         ask='Current account number, Visa 9078 expiry and the Octopus Energy direct debit amount.',
         turns=[dict(say='Good morning. I am filling in a form for my pension provider and they want my '
                         'current account number. Could you also tell me when my Visa card expires, and '
                         'how much the Octopus Energy direct debit is? Many thanks, Kathleen Hicks',
                     facts=[('acct', 'Current Account'),
                            ('amt', ('sched', 'Octopus Energy', 'amount')),
                            ('expiry', '9078')])]),
    dict(name='a-mr-damien-balance-sky-amount-date', kind='mr', customer=3,
         ask='Current account balance, Sky direct debit amount and its next date.',
         turns=[dict(say='balance pls and hw much is sky takin off me n wat day',
                     facts=[('amt', ('balance', 'Current Account')),
                            ('amt', ('sched', 'Sky', 'amount')),
                            ('date', ('sched', 'Sky', 'next'))])]),
    dict(name='a-mr-maurice-eur-bt-nationwide', kind='mr', customer=4,
         ask='EUR Current Account balance (overdrawn), next BT date and the Nationwide direct debit amount.',
         turns=[dict(say='quick ones before I go away:\n'
                         '- whats the balance on the euro account\n'
                         '- when does BT come out next\n'
                         '- how much is the nationwide direct debit\n',
                     facts=[('amt', ('balance', 'EUR Current Account')),
                            ('amt', ('sched', 'Nationwide Building Society', 'amount')),
                            ('date', ('sched', 'BT', 'next'))])]),
    dict(name='a-mr-sarah-ikea-balance-sky', kind='mr', customer=5,
         ask='What IKEA cost in September, the current balance and the next Sky date.',
         turns=[dict(say="just sorting my finances out after the move so how much did IKEA cost me in "
                         "september? and what's my balance now. oh and when's sky due",
                     facts=[('amt', ('sum', F(SEP, merchant='IKEA', sign='out'))),
                            ('amt', ('balance', 'Current Account')),
                            ('date', ('sched', 'Sky', 'next'))])]),
    # ---- tot
    dict(name='a-tot-jake-groceries-october', kind='tot', customer=1,
         ask='Grocery spending in October (all accounts).',
         turns=[dict(say='how much did i spend on food shopping in october',
                     facts=[('amt', ('sum', F(OCT, category='groceries', sign='out')))])]),
    dict(name='a-tot-kathleen-apple-count-total', kind='tot', customer=2,
         ask='How many Apple charges since September and their total.',
         turns=[dict(say='I noticed a small Apple charge on my statement. How many times have Apple taken '
                         'money since September, and what does it come to altogether?',
                     facts=[('amt', ('sum', F(SINCE_SEP, merchant='Apple', sign='out'))),
                            ('count', F(SINCE_SEP, merchant='Apple', sign='out'))])]),
    dict(name='a-tot-damien-tv-licence-three-months', kind='tot', customer=3,
         ask='Total TV Licence payments over the last three months (September-November).',
         turns=[dict(say='wat has the tv licence cost me over the last 3 months all together',
                     facts=[('amt', ('sum', F(SINCE_SEP, merchant='TV Licence', sign='out')))])]),
    dict(name='a-tot-maurice-biggest-grocery-shop', kind='tot', customer=4,
         ask='Biggest single grocery payment since 1 September and its date.',
         turns=[dict(say='Whats the most I have spent in one go on groceries since the start of September, '
                         'and which day was that',
                     facts=[('amt', ('pick', F(SINCE_SEP, category='groceries', sign='out'), 'max')),
                            ('date', ('pick', F(SINCE_SEP, category='groceries', sign='out'), 'max'))])]),
    dict(name='a-tot-sarah-in-vs-out-october', kind='tot', customer=5,
         ask='Money in and money out in October.',
         turns=[dict(say='doing my budget, can u tell me total money in and total money out for october',
                     facts=[('amt', ('sum', F(OCT, sign='in'))),
                            ('amt', ('sum', F(OCT, sign='out')))])]),
    # ---- range
    dict(name='a-range-jake-groceries-mid-sep-to-oct', kind='range', customer=1,
         ask='Grocery spending from 15 September to 20 October.',
         turns=[dict(say='my wife wants to know what we spent on groceries between the 15th sept and the 20th oct',
                     facts=[('amt', ('sum', F(category='groceries', sign='out',
                                              start='2026-09-15', end='2026-10-20')))])]),
    dict(name='a-range-kathleen-eating-out-sep-oct', kind='range', customer=2,
         ask='Eating-out spending over September and October together.',
         turns=[dict(say='How much have I spent eating out in September and October together?',
                     facts=[('amt', ('sum', F(category='eating_out', sign='out',
                                              start='2026-09-01', end='2026-10-31')))])]),
    dict(name='a-range-damien-since-10-nov', kind='range', customer=3,
         ask='Everything that went out since 10 November and the total.',
         turns=[dict(say='whats gone out since the 10th of nov n wat does it come to altogether',
                     facts=[('amt', ('pick', F(sign='out', start='2026-11-10', end='2026-11-28'), 1)),
                            ('amt', ('pick', F(sign='out', start='2026-11-10', end='2026-11-28'), 2)),
                            ('amt', ('sum', F(sign='out', start='2026-11-10', end='2026-11-28')))])]),
    dict(name='a-range-maurice-eur-weekend-1-nov', kind='range', customer=4,
         ask='EUR account spending on the weekend Sat 31 Oct - Sun 1 Nov.',
         turns=[dict(say='I was in France the weekend of the 31st Oct / 1st Nov, how much did I spend on '
                         'the euro account that weekend?',
                     facts=[('amt', ('sum', F(account='EUR Current Account', sign='out',
                                              start='2026-10-31', end='2026-11-01')))])]),
    dict(name='a-range-sarah-first-half-september', kind='range', customer=5,
         ask='Total of everything that went out 1-15 September.',
         turns=[dict(say='can you add up everything that went out of my account from 1st to 15th september',
                     facts=[('amt', ('sum', F(sign='out', start='2026-09-01', end='2026-09-15')))])]),
    # ---- fu
    dict(name='a-fu-jake-groceries-sep-oct-add', kind='fu', customer=1,
         ask='Groceries in September, then October, then both added up.',
         turns=[dict(say='how much did i spend on groceries in september',
                     facts=[('amt', ('sum', F(SEP, category='groceries', sign='out')))]),
                dict(say='and october?',
                     facts=[('amt', ('sum', F(OCT, category='groceries', sign='out')))]),
                dict(say='add those up for me',
                     facts=[('amt', ('sum', F(category='groceries', sign='out',
                                              start='2026-09-01', end='2026-10-31')))])]),
    dict(name='a-fu-kathleen-virgin-then-octopus', kind='fu', customer=2,
         ask='Next Virgin Media date, then its amount, then the Octopus Energy amount and date.',
         turns=[dict(say='When is my next Virgin Media payment due please?',
                     facts=[('date', ('sched', 'Virgin Media', 'next'))]),
                dict(say='And how much will it be?',
                     facts=[('amt', ('sched', 'Virgin Media', 'amount'))]),
                dict(say='What about the Octopus one?',
                     facts=[('amt', ('sched', 'Octopus Energy', 'amount')),
                            ('date', ('sched', 'Octopus Energy', 'next'))])]),
    dict(name='a-fu-damien-cards-then-expiry', kind='fu', customer=3,
         ask='Which cards he has (9109 lost, 5915 active), then the expiry of the active one.',
         turns=[dict(say='what cards do i have with you',
                     facts=[('last4', '9109'), ('last4', '5915')]),
                dict(say='when does the one that isnt lost expire',
                     facts=[('expiry', '5915')])]),
    dict(name='a-fu-maurice-entertainment-oct-nov-sep', kind='fu', customer=4,
         ask='Entertainment spending in October, then November, then September.',
         turns=[dict(say='how much did i spend on entertainment in october',
                     facts=[('amt', ('sum', F(OCT, category='entertainment', sign='out')))]),
                dict(say='and in november',
                     facts=[('amt', ('sum', F(NOV, category='entertainment', sign='out')))]),
                dict(say='september?',
                     facts=[('amt', ('sum', F(SEP, category='entertainment', sign='out')))])]),
    dict(name='a-fu-sarah-wages-date-amount-previous', kind='fu', customer=5,
         ask='Date of the last salary, its amount, then the date and amount of the one before.',
         turns=[dict(say='when did my wages last go in',
                     facts=[('date', ('pick', F(category='salary', sign='in'), 1))]),
                dict(say='how much was it',
                     facts=[('amt', ('pick', F(category='salary', sign='in'), 1))]),
                dict(say='and the one before that?',
                     facts=[('amt', ('pick', F(category='salary', sign='in'), 2)),
                            ('date', ('pick', F(category='salary', sign='in'), 2))])]),

    # ------------------------------------------------------------------ set B
    # ---- mr
    dict(name='b-mr-jake-saver-details-sky', kind='mr', customer=1,
         ask='Easy Saver sort code and account number, plus the Sky direct debit amount.',
         turns=[dict(say='mate i need the sort code AND acount number for the easy saver, my mum wants '
                         'to send me something. while im at it how much is my sky',
                     facts=[('acct', 'Easy Saver'),
                            ('amt', ('sched', 'Sky', 'amount')),
                            ('sort', 'Easy Saver')])]),
    dict(name='b-mr-kathleen-savings-nationwide-date', kind='mr', customer=2,
         ask='Easy Saver balance and the next Nationwide Building Society direct debit date.',
         turns=[dict(say='My husband has asked me to find out how much we have in the easy saver. '
                         'Also could you tell me the date the Nationwide mortgage payment leaves next',
                     facts=[('amt', ('balance', 'Easy Saver')),
                            ('date', ('sched', 'Nationwide Building Society', 'next'))])]),
    dict(name='b-mr-damien-acctno-sortcode', kind='mr', customer=3,
         ask='Current account number and sort code.',
         turns=[dict(say='new job, payroll wants my account number n sort code can u give me them',
                     facts=[('acct', 'Current Account'), ('sort', 'Current Account')])]),
    dict(name='b-mr-maurice-numbered-three', kind='mr', customer=4,
         ask='Expiry of card 0363, BT direct debit amount and the latest salary amount.',
         turns=[dict(say='Please can you tell me 1. the expiry date of the card ending 0363 '
                         '2. the amount of the BT direct debit 3. the amount of my most recent salary. '
                         'Thank you.',
                     facts=[('amt', ('sched', 'BT', 'amount')),
                            ('amt', ('pick', F(category='salary', sign='in'), 1)),
                            ('expiry', '0363')])]),
    dict(name='b-mr-sarah-acctno-nationwide-amount-date', kind='mr', customer=5,
         ask='Account number, Nationwide direct debit amount and its next date.',
         turns=[dict(say='filling in a mortgage review form need my account number how much the '
                         'nationwide dd is and the date of the next one',
                     facts=[('acct', 'Current Account'),
                            ('amt', ('sched', 'Nationwide Building Society', 'amount')),
                            ('date', ('sched', 'Nationwide Building Society', 'next'))])]),
    # ---- tot
    dict(name='b-tot-jake-takeaways-count-total', kind='tot', customer=1,
         ask='Number of eating-out (takeaway) payments since September and their total.',
         turns=[dict(say='be honest lol, takeaway count since september?? and the damage in quid',
                     facts=[('amt', ('sum', F(SINCE_SEP, category='eating_out', sign='out'))),
                            ('count', F(SINCE_SEP, category='eating_out', sign='out'))])]),
    dict(name='b-tot-kathleen-octopus-three-months', kind='tot', customer=2,
         ask='Total paid to Octopus Energy in September, October and November.',
         turns=[dict(say='Could you add up what I have paid Octopus Energy in September, October and '
                         'November please.',
                     facts=[('amt', ('sum', F(SINCE_SEP, merchant='Octopus Energy', sign='out')))])]),
    dict(name='b-tot-damien-transport-november', kind='tot', customer=3,
         ask='Transport spending this month (1-28 November).',
         turns=[dict(say='how much have i spent gettin about this month, buses trains taxis etc',
                     facts=[('amt', ('sum', F(NOV, category='transport', sign='out')))])]),
    dict(name='b-tot-maurice-last-three-payments', kind='tot', customer=4,
         ask='The last three payments out of the GBP Current Account.',
         turns=[dict(say='show me the last three payments that left my pound account',
                     facts=[('amt', ('pick', F(account='Current Account', sign='out'), 1)),
                            ('amt', ('pick', F(account='Current Account', sign='out'), 2)),
                            ('amt', ('pick', F(account='Current Account', sign='out'), 3))])]),
    dict(name='b-tot-sarah-grocery-smallest-biggest', kind='tot', customer=5,
         ask='Smallest and biggest grocery payment since September.',
         turns=[dict(say='since september what was my smallest grocery shop and what was my biggest one',
                     facts=[('amt', ('pick', F(SINCE_SEP, category='groceries', sign='out'), 'min')),
                            ('amt', ('pick', F(SINCE_SEP, category='groceries', sign='out'), 'max'))])]),
    # ---- range
    dict(name='b-range-jake-bills-first-half-november', kind='range', customer=1,
         ask='Bills that went out 1-15 November, each and in total.',
         turns=[dict(say='wat bills came out in the first half of november and hw much was that in total',
                     facts=[('amt', ('pick', F(category='bills', sign='out',
                                               start='2026-11-01', end='2026-11-15'), 1)),
                            ('amt', ('pick', F(category='bills', sign='out',
                                               start='2026-11-01', end='2026-11-15'), 2)),
                            ('amt', ('sum', F(category='bills', sign='out',
                                              start='2026-11-01', end='2026-11-15')))])]),
    dict(name='b-range-kathleen-week-16-22-nov', kind='range', customer=2,
         ask='Total spending Monday 16 - Sunday 22 November.',
         turns=[dict(say='Hello, I am trying to keep an eye on my spending, what did I spend in total from '
                         'Monday 16th to Sunday 22nd November?',
                     facts=[('amt', ('sum', F(sign='out', start='2026-11-16', end='2026-11-22')))])]),
    dict(name='b-range-damien-money-in-since-september', kind='range', customer=3,
         ask='Money in since 1 September.',
         turns=[dict(say='how much money has come into my acc since the start of september',
                     facts=[('amt_any', ('sum', F(SINCE_SEP, sign='in')))])]),
    dict(name='b-range-maurice-since-last-wages', kind='range', customer=4,
         ask='What has gone out since the last salary (22 Nov).',
         turns=[dict(say='got paid on the 22nd, whats gone out since my wages',
                     facts=[('amt_any', ('sum', F(sign='out', start='2026-11-23', end='2026-11-28')))])]),
    dict(name='b-range-sarah-20-30-sep-no-mortgage', kind='range', customer=5,
         ask='Spending 20-30 September excluding the Nationwide (mortgage) payment.',
         turns=[dict(say='apart from the mortgage, how much did I spend between the 20th and 30th of september',
                     facts=[('amt', ('sum', F(sign='out', start='2026-09-20', end='2026-09-30',
                                              exclude=['Nationwide Building Society'])))])]),
    # ---- fu
    dict(name='b-fu-jake-credit-card-last-before-balance', kind='fu', customer=1,
         ask='Last purchase on the Credit Card account, the one before it, then the card balance.',
         turns=[dict(say='whats the last thing i bought on my credit card',
                     facts=[('amt', ('pick', F(account='Credit Card', sign='out'), 1)),
                            ('date', ('pick', F(account='Credit Card', sign='out'), 1))]),
                dict(say='before that?',
                     facts=[('amt', ('pick', F(account='Credit Card', sign='out'), 2)),
                            ('date', ('pick', F(account='Credit Card', sign='out'), 2))]),
                dict(say='n wats the balance on it now',
                     facts=[('amt', ('balance', 'Credit Card'))])]),
    dict(name='b-fu-kathleen-ms-then-waitrose-combined', kind='fu', customer=2,
         ask='M&S Simply Food this month, then Waitrose this month, then both combined.',
         turns=[dict(say='What have I spent at M&S this month?',
                     facts=[('amt', ('sum', F(NOV, merchant='M&S Simply Food', sign='out')))]),
                dict(say='And Waitrose, same period?',
                     facts=[('amt', ('sum', F(NOV, merchant='Waitrose', sign='out')))]),
                dict(say='put the two together',
                     facts=[('amt', ('sum', F(NOV, merchant=['M&S Simply Food', 'Waitrose'], sign='out')))])]),
    dict(name='b-fu-damien-sky-tv-october-both', kind='fu', customer=3,
         ask='Sky in October, then TV Licence in October, then both together.',
         turns=[dict(say='how much was my sky bill in october',
                     facts=[('amt', ('sum', F(OCT, merchant='Sky', sign='out')))]),
                dict(say='n the tv licence same month?',
                     facts=[('amt', ('sum', F(OCT, merchant='TV Licence', sign='out')))]),
                dict(say='so both together?',
                     facts=[('amt', ('sum', F(OCT, merchant=['Sky', 'TV Licence'], sign='out')))])]),
    dict(name='b-fu-maurice-bt-last-and-previous', kind='fu', customer=4,
         ask='Date and amount of the last BT payment, then the one before it.',
         turns=[dict(say='when did BT last take money and how much',
                     facts=[('amt', ('pick', F(merchant='BT', sign='out'), 1)),
                            ('date', ('pick', F(merchant='BT', sign='out'), 1))]),
                dict(say='and the time before?',
                     facts=[('amt', ('pick', F(merchant='BT', sign='out'), 2)),
                            ('date', ('pick', F(merchant='BT', sign='out'), 2))])]),
    dict(name='b-fu-sarah-cash-then-aldi', kind='fu', customer=5,
         ask='Cash withdrawn since September, then Aldi spending over the same period.',
         turns=[dict(say='how much cash have I taken out since september',
                     facts=[('amt', ('sum', F(SINCE_SEP, category='cash', sign='out')))]),
                dict(say='and what did I spend at aldi over the same time',
                     facts=[('amt', ('sum', F(SINCE_SEP, merchant='Aldi', sign='out')))])]),
]
