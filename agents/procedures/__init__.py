"""Declarative banking procedures (``procedures.yaml``) and the deterministic engine that runs them.

Import from the modules: ``agents.procedures.spec`` (load_procedures, procedure_for_intent),
``agents.procedures.engine`` (plan, execute), ``agents.procedures.money`` (format_money). This package
file imports nothing, so ``agents.tools`` can use ``money`` without an import cycle.
"""
