"""ORM tables, one module each, all on ``Base.metadata``."""

from app.models.account import Account
from app.models.audit_event import AuditEvent
from app.models.base import Base
from app.models.card import Card
from app.models.complaint import Complaint
from app.models.conversation import Conversation
from app.models.customer import Customer
from app.models.direct_debit import DirectDebit
from app.models.dispute import Dispute
from app.models.graph_checkpoint import GraphCheckpoint
from app.models.handoff import Handoff
from app.models.handoff_note import HandoffNote
from app.models.idempotency_record import IdempotencyRecord
from app.models.message import Message
from app.models.model_call import ModelCall
from app.models.payment import Payment
from app.models.review import ReviewFinding, ReviewItem, ReviewSample, ReviewScore
from app.models.scheduled_payment import ScheduledPayment
from app.models.staff_user import StaffUser
from app.models.standing_order import StandingOrder
from app.models.tool_action import ToolAction
from app.models.transaction import Transaction
from app.models.turn_journal import TurnAdmission, TurnJournal

__all__ = [
    "Account",
    "AuditEvent",
    "Base",
    "Card",
    "Complaint",
    "Conversation",
    "Customer",
    "DirectDebit",
    "Dispute",
    "GraphCheckpoint",
    "Handoff",
    "HandoffNote",
    "IdempotencyRecord",
    "Message",
    "ModelCall",
    "Payment",
    "ReviewFinding",
    "ReviewItem",
    "ReviewSample",
    "ReviewScore",
    "ScheduledPayment",
    "StaffUser",
    "StandingOrder",
    "ToolAction",
    "Transaction",
    "TurnAdmission",
    "TurnJournal",
]
