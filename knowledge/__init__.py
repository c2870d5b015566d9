"""The authored knowledge base: data files plus their loader, validator and report."""
from .loader import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from .schema import Bilingual, Doc, Equipment, Exercise, Food, KnowledgeBase, Section

__all__ = ["KNOWLEDGE_DIR", "KnowledgeError", "load_knowledge", "Bilingual", "Doc", "Equipment", "Exercise",
           "Food", "KnowledgeBase", "Section"]
