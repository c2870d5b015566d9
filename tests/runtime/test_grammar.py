"""JSON schema → compact GBNF for the local model's constrained steps (no model needed)."""
import re

import pytest

from runtime.grammar import UnsupportedSchema, literal, schema_to_gbnf
from runtime.llm import LocalLLM

STEP = {"oneOf": [
    {"type": "object", "properties": {"action": {"const": "Lookup"}, "action_input": {
        "type": "object", "properties": {"q": {"type": "string", "maxLength": 20}, "n": {"type": "integer"},
                                         "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2}},
        "required": ["q"], "additionalProperties": False}}, "required": ["action", "action_input"]},
    {"type": "object", "properties": {"action": {"const": "FinishAction"}, "action_input": {
        "type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}},
     "required": ["action", "action_input"]}]}


def test_step_schema_becomes_compact_ordered_json():
    grammar = schema_to_gbnf(STEP)
    lines = dict(line.split(" ::= ", 1) for line in grammar.strip().splitlines())
    assert lines["root"].startswith("(") and " | " in lines["root"]
    lookup = next(body for body in lines.values() if '"\\"Lookup\\""' in body)
    # keys in schema order, "," and ":" with no whitespace anywhere, optional properties after required ones
    assert lookup.startswith('"{" "\\"action\\"" ":" "\\"Lookup\\"" "," "\\"action_input\\"" ":" obj')
    args = next(body for body in lines.values() if '"\\"q\\""' in body)
    assert args == ('"{" "\\"q\\"" ":" "\\"" char{0,20} "\\"" ("," "\\"n\\"" ":" integer)? '
                    '("," "\\"tags\\"" ":" "[" (item0 ("," item0){0,1})? "]")? "}"')
    assert lines["item0"] == '("\\"a\\"" | "\\"b\\"")'
    structure = " ".join(body for name, body in lines.items() if name != "char")  # string contents aside
    assert not [lit for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', structure) if re.search(r"\s|\\[nt]", lit)]
    assert {"char", "integer"} <= lines.keys() and "number" not in lines


@pytest.mark.parametrize("schema", [{"type": "integer", "minimum": 1}, {"type": "object", "properties": {"a": {}}},
                                    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"],
                                     "additionalProperties": True},
                                    {"$ref": "#/defs/x"}])
def test_unsupported_schemas_raise(schema):
    with pytest.raises(UnsupportedSchema):
        schema_to_gbnf(schema)


def test_literals_escape_quotes_backslashes_and_newlines():
    assert literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_local_requests_use_the_compact_grammar_or_fall_back_to_response_format():
    req = LocalLLM._request(None, [], 10, 0.0, STEP, True)
    assert "grammar" in req and "response_format" not in req and req["stream"] is True
    req = LocalLLM._request(None, [], 10, 0.0, {"type": "integer", "minimum": 1}, False)
    assert req["response_format"]["json_schema"]["schema"] == {"type": "integer", "minimum": 1} and "grammar" not in req
