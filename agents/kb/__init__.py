"""Knowledge base of the bank's help-centre articles and lexical retrieval over their sections."""

from agents.kb.articles import Article, Passage, Section
from agents.kb.knowledge_base import KnowledgeBase, load_kb
from agents.kb.parsing import KbFormatError

__all__ = ["Article", "KbFormatError", "KnowledgeBase", "Passage", "Section", "load_kb"]
