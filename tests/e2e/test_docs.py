# SPDX-License-Identifier: GPL-2.0-only
"""The documents agree with the CLI: every option a verb's --help lists is in
the man page and in the README's section for that verb, and every `set` key
is in the man page, the README, the bash completion and the example
configuration file. (The man page had lost --socket-counter before this.)"""
import os
import re

import pytest

import sgtest

VERBS = ["attach", "run", "set", "reload", "allow", "deny", "detach", "status", "stats",
         "top", "events"]
MAN = os.path.join(sgtest.REPO, "dist", "synguard.8")
COMPLETION = os.path.join(sgtest.REPO, "dist", "synguard.bash-completion")
CONF = os.path.join(sgtest.REPO, "dist", "synguard.conf")
README = os.path.join(sgtest.REPO, "README.md")


def read(path):
    with open(path) as f:
        return f.read()


def options(verb):
    out = sgtest.run([sgtest.SYNGUARD, verb, "--help"], check=False)
    return sorted(set(re.findall(r"--[a-z][a-z-]*", out.stdout + out.stderr)) - {"--help"})


def set_keys():
    out = sgtest.run([sgtest.SYNGUARD, "set", "--help"], check=False).stdout
    keys = re.findall(r"^  ([a-z-]+)=", out, re.M)
    keys += re.findall(r", ([a-z-]+)=", out)
    assert len(keys) >= 10, out
    return sorted(set(keys))


def readme_section(verb):
    text = read(README)
    names = {"allow": "allow, deny", "deny": "allow, deny", "run": "run (the service)"}
    m = re.search(r"^### %s\n(.*?)(?=^##)" % re.escape(names.get(verb, verb)), text, re.M | re.S)
    assert m, "the README has no section for %s" % verb
    return m.group(1)


@pytest.mark.parametrize("verb", VERBS)
def test_man_and_readme_list_every_option(verb):
    man = read(MAN).replace("\\-", "-")
    section = readme_section(verb)
    missing_man = [o for o in options(verb) if o not in man]
    missing_readme = [o for o in options(verb) if o not in section]
    assert not missing_man, "%s: not in dist/synguard.8: %s" % (verb, missing_man)
    assert not missing_readme, "%s: not in the README's section: %s" % (verb, missing_readme)


def test_set_keys_everywhere():
    keys = set_keys()
    man = read(MAN).replace("\\-", "-")
    completion = read(COMPLETION)
    conf = read(CONF)
    section = readme_section("set")
    for where, text, form in (("dist/synguard.8", man, "%s"),
                              ("the README's set section", section, "%s="),
                              ("the bash completion", completion, "%s="),
                              ("dist/synguard.conf", conf, "%s =")):
        missing = [k for k in keys if form % k not in text]
        assert not missing, "set keys not in %s: %s" % (where, missing)


def test_completion_knows_every_valued_mode():
    """An option the README's synopses of synguard's verbs give values for
    (--opt a|b|c) completes exactly those values."""
    completion = read(COMPLETION)
    text = read(README)
    cli = text[text.index("## Command-line reference"):text.index("\n## ", text.index(
        "## Command-line reference") + 1)]
    found = re.findall(r"\[(--[a-z-]+) ([a-z]+(?:\|[a-z]+)+)\]", cli)
    assert len(found) >= 5, found
    for opt, values in found:
        m = re.search(r"^\t%s(\|-.)?\)\n\t\tCOMPREPLY=\(\$\(compgen -W \"([^\"]+)\"" %
                      re.escape(opt), completion, re.M)
        assert m, "the completion does not complete %s" % opt
        assert set(m.group(2).split()) == set(values.split("|")), (opt, m.group(2), values)
