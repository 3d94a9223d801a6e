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


class HandoffNoteKind(StrEnum):
    """A staff note on a handoff: ``private`` is for staff only; ``for_assistant`` was written on returning
    the conversation and the assistant reads it on its next turn. The customer sees neither."""

    private = "private"
    for_assistant = "for_assistant"


class ResolutionCode(StrEnum):
    """Why a member of staff closed a handoff as resolved (reported on; a bank may extend the list)."""

    answered = "answered"  # the customer's question was answered
    action_taken = "action_taken"  # staff changed something for the customer
    complaint_recorded = "complaint_recorded"  # recorded and passed to complaint handling
    referred = "referred"  # passed to a specialist team (bereavement, lending, collections...)
    fraud_case_opened = "fraud_case_opened"
    customer_unreachable = "customer_unreachable"  # the customer stopped replying
    duplicate = "duplicate"  # the same matter is handled in another conversation


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
