#!/usr/bin/env python3
"""Renders chat templates with Python's Jinja2 configured as transformers' apply_chat_template
configures it (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, its tojson,
raise_exception and strftime_now). Reads JSON {"template", "cases": [{"messages",
"add_generation_prompt", "variables"}]} on stdin; prints a JSON list of rendered strings."""
import json
import sys
from datetime import datetime

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = strftime_now

req = json.load(sys.stdin)
template = env.from_string(req["template"])
out = [template.render(messages=c["messages"], add_generation_prompt=c["add_generation_prompt"], **c.get("variables", {})) for c in req["cases"]]
json.dump(out, sys.stdout, ensure_ascii=False)
