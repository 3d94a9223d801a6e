"""Status and kind vocabularies shared by the ORM, the schemas and the agent ports."""

from __future__ import annotations

from enum import StrEnum


class AccountKind(StrEnum):
    current = "current"
    savings = "savings"
    credit = "credit"


class CardStatus(StrEnum):
    active = "active"
    frozen = "frozen"
    lost = "lost"
    stolen = "stolen"
    cancelled = "cancelled"


class TransactionStatus(StrEnum):
    pending = "pending"
    posted = "posted"
    reversed = "reversed"


class PaymentStatus(StrEnum):
    pending = "pending"
    processing = "processing"
    completed = "completed"
    failed = "failed"
    returned = "returned"


class DisputeStatus(StrEnum):
    open = "open"
    investigating = "investigating"
    upheld = "upheld"
    rejected = "rejected"


class ConversationStatus(StrEnum):
    active = "active"
    awaiting_customer = "awaiting_customer"
    handed_off = "handed_off"
    resolved = "resolved"


class MessageRole(StrEnum):
    customer = "customer"
    assistant = "assistant"
    staff = "staff"
    system = "system"


class HandoffStatus(StrEnum):
    open = "open"
    claimed = "claimed"
    resolved = "resolved"
    returned = "returned"


class HandoffPriority(StrEnum):
    urgent = "urgent"
    high = "high"
    normal = "normal"


class StaffRole(StrEnum):
    agent = "agent"
    supervisor = "supervisor"
    auditor = "auditor"


class ComplaintStatus(StrEnum):
    open = "open"
    resolved = "resolved"


class RecurringStatus(StrEnum):
    """A direct debit mandate, standing order or scheduled payment: still to run, or cancelled."""

    active = "active"
    cancelled = "cancelled"


class Frequency(StrEnum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"
