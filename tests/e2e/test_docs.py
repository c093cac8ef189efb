# SPDX-License-Identifier: GPL-2.0-only
"""The documents agree with the CLI. The man page, the README's option lists
and the bash completion are generated from the verbs' option tables
(user/docgen.c); these tests hold the generated files to what the built
synguard's --help says, run the completion in bash, and fail when the
README's committed option lists are older than the tables."""
import os
import re
import subprocess

import pytest

import sgtest

VERBS = ["attach", "run", "set", "reload", "allow", "deny", "detach", "status", "stats",
         "top", "events", "trace"]
BUILD = os.path.join(sgtest.REPO, "build")
DOCGEN = os.path.join(BUILD, "sg-docgen")
MAN = os.path.join(BUILD, "synguard.8")
COMPLETION = os.path.join(BUILD, "synguard.bash-completion")
CONF = os.path.join(sgtest.REPO, "dist", "synguard.conf")
README = os.path.join(sgtest.REPO, "README.md")


def read(path):
    with open(path) as f:
        return f.read()


def help_text(verb):
    out = sgtest.run([sgtest.SYNGUARD, verb, "--help"])
    return out.stdout


def options(verb):
    """The options --help lists (not those its texts mention)."""
    return sorted(set(re.findall(r"^  (?:-., |    )(--[a-z][a-z-]*)", help_text(verb), re.M)) -
                  {"--help"})


def valued(verb):
    """{option: [values]} for the options --help gives a|b|c values."""
    return {m.group(1): m.group(2).split("|")
            for m in re.finditer(r"^  (?:-., |    )(--[a-z-]+) ([a-z]+(?:\|[a-z]+)+)$",
                                 help_text(verb), re.M)}


def set_keys():
    keys = re.findall(r"^  ([a-z-]+)=", help_text("set"), re.M)
    assert len(keys) >= 10, keys
    return keys


def complete(*words):
    """What the generated completion offers after `words` (the last is the
    word being completed)."""
    script = ('source %s\nCOMP_WORDS=(%s)\nCOMP_CWORD=%d\n_synguard\n'
              'printf "%%s\\n" "${COMPREPLY[@]}"\n' %
              (COMPLETION, " ".join("'%s'" % w for w in words), len(words) - 1))
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    return out.stdout.split()


def readme_section(verb):
    text = read(README)
    names = {"allow": "allow, deny", "deny": "allow, deny", "run": "run (the service)"}
    m = re.search(r"^### %s\n(.*?)(?=^##)" % re.escape(names.get(verb, verb)), text, re.M | re.S)
    assert m, "the README has no section for %s" % verb
    return m.group(1)


def test_readme_option_lists_are_current():
    """The README's generated blocks are what the tables say today."""
    out = subprocess.run([DOCGEN, "readme", README], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == read(README), "README.md's option lists are stale: run 'make docs'"
    blocks = re.findall(r"^<!-- options: ([a-z]+) -->$", read(README), re.M)
    assert sorted(set(blocks)) == sorted(VERBS + ["synguard"]), blocks


def test_readme_blocks_catch_a_stale_list(tmp_path):
    """The check above can fail: a README whose list lost an option differs
    from what the generator writes."""
    text = read(README)
    stale = tmp_path / "README.md"
    stale.write_text(re.sub(r"^- `--handoff .*?(?=^- |^<!--)", "", text, count=1,
                            flags=re.M | re.S))
    assert stale.read_text() != text
    out = subprocess.run([DOCGEN, "readme", str(stale)], capture_output=True, text=True)
    assert out.stdout == text


@pytest.mark.parametrize("verb", VERBS)
def test_man_and_readme_list_every_option(verb):
    man = read(MAN).replace("\\-", "-")
    section = readme_section(verb)
    for opt in options(verb):
        assert opt in man, "%s: %s not in the generated man page" % (verb, opt)
        assert opt in section, "%s: %s not in the README's section" % (verb, opt)


@pytest.mark.parametrize("verb", VERBS)
def test_completion_offers_each_verbs_options_and_values(verb):
    offered = complete("synguard", verb, "--")
    assert sorted(set(offered) - {"--help"}) == options(verb)
    for opt, values in valued(verb).items():
        assert complete("synguard", verb, "eth0", opt, "") == values, opt


def test_completion_of_verbs_and_set_keys():
    assert set(complete("synguard", "")) >= set(VERBS)
    assert complete("synguard", "-v", "st") == ["status", "stats"]
    keys = set_keys()
    assert complete("synguard", "set", "eth0", "") == [k + "=" for k in keys]
    assert complete("synguard", "allow", "") == ["add", "del", "list"]


def test_set_keys_in_the_man_page_and_the_example_file():
    man = read(MAN).replace("\\-", "-")
    conf = read(CONF)
    for key in set_keys():
        assert key in man, key
        assert re.search(r"^(# )?%s = " % re.escape(key), conf, re.M), \
            "dist/synguard.conf has no example of %s" % key


def test_every_help_option_is_accepted():
    """Each option --help names is one the parser knows: an unknown one is
    refused as such, a known one without its value as missing a value."""
    for verb in VERBS:
        for opt, values in valued(verb).items():
            r = sgtest.run([sgtest.SYNGUARD, verb, opt, "nonsense"], check=False)
            assert "bad %s 'nonsense'" % opt in r.stderr, (verb, opt, r.stderr)
    r = sgtest.run([sgtest.SYNGUARD, "attach", "--no-such-option"], check=False)
    assert r.returncode == 2 and r.stderr.strip() == (
        "synguard: unknown option '--no-such-option' (see 'synguard attach --help')")
    r = sgtest.run([sgtest.SYNGUARD, "attach", "eth0", "--ports"], check=False)
    assert r.stderr.strip() == (
        "synguard: no value for option '--ports' (see 'synguard attach --help')")
