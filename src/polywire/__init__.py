"""polywire: a multilingual newswire.

A publisher hands polywire a press release once; polywire holds it under embargo and delivers it, signed,
to every matching subscriber the moment the embargo lifts, with corrections and withdrawals following every
copy. See ARCHITECTURE in the README for how the packages below fit together.
"""

__version__ = "0.1.0"
