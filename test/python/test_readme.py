"""Every Python example of docs/examples/python.md runs, synthesizes, and returns what its comments say."""
import re
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "python.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```$", EXAMPLES.read_text(), re.MULTILINE | re.DOTALL)
# `expression  # "value"`: the example promises that the expression returns "value".
PROMISE = re.compile(r'^(?P<expression>\S.*?)\s+# (?P<value>".*")$', re.MULTILINE)
# Examples that work in "a stack of yours" get one, with a resource of its own: an import adds
# none, and strict mode refuses to synthesize an empty template.
FIXTURE = """from aws_cdk import App, CfnWaitConditionHandle, Stack
app = App()
stack = Stack(app, "Platform")
CfnWaitConditionHandle(stack, "Placeholder")
"""


def test_the_examples_file_has_python_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("block", BLOCKS, ids=[f"example-{i + 1}" for i in range(len(BLOCKS))])
def test_docs_example(block):
    source = PROMISE.sub(r"assert (\g<expression>) == \g<value>", block)
    if "App()" not in source:
        source = FIXTURE + source
    scope = {}
    exec(compile(source, str(EXAMPLES), "exec"), scope)
    scope["app"].synth()


def test_the_examples_promise_values():
    # The comments are checked: at least the provider's names and a binding's name are promised.
    assert sum(len(PROMISE.findall(block)) for block in BLOCKS) >= 6
