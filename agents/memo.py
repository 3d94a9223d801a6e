"""A bounded memory of a pure function's answers for short texts.

Some steps of a turn are pure functions of the customer's text (triage's prediction, screening's flags)
and short messages repeat across customers ("what's my balance?", "is my card working?", "yes"). The
answer given once is kept and given again. Only texts up to ``max_chars`` are kept (a long message
rarely comes twice, and would keep more of what someone wrote), at most ``max_texts`` of them, the least
recently asked dropped first. Safe to share between the event loop and worker threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

T = TypeVar("T")

# What the turn's memories of customers' texts keep (triage, screening): short messages, the ones that repeat.
SHORT_TEXT_CHARS = 120
KEPT_TEXTS = 4096


class TextMemo(Generic[T]):
    def __init__(self, *, max_chars: int, max_texts: int) -> None:
        self.max_chars = max_chars
        self.max_texts = max_texts
        self._answers: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> T | None:
        """The answer kept for exactly this text, or None."""
        if not isinstance(text, str) or len(text) > self.max_chars:
            return None
        with self._lock:
            answer = self._answers.get(text)
            if answer is not None:
                self._answers.move_to_end(text)
        return answer

    def keep(self, text: str, answer: T) -> None:
        if not isinstance(text, str) or len(text) > self.max_chars or self.max_texts <= 0:
            return
        with self._lock:
            self._answers[text] = answer
            self._answers.move_to_end(text)
            while len(self._answers) > self.max_texts:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
