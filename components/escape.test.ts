import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  shellAssign,
  shellCommand,
  shellQuote,
  shellVar,
  shellWords,
  smtpdString,
  traefikRuleLiteral,
  visible,
} from "./escape";
import { kubernetesLabelKeyProblem, kubernetesLabelValueProblem, swarmLabelKeyProblem } from "./formats";

/** What bash reads back from a command line: each argument, NUL-terminated. */
const argvOf = (line: string): string[] => {
  const r = spawnSync("bash", ["-c", `args() { printf '%s\\0' "$@"; }; ${line}`], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\0").slice(0, -1);
};

describe("visible", () => {
  it.each([
    ["plain", '"plain"'],
    ["a\nb\r\t", '"a\\nb\\r\\t"'],
    ["\u001b[2J", '"\\u001b[2J"'],
    ["\u009b31m \u202e", '"\\u009b31m \\u202e"'],
    ['q"b\\', '"q\\"b\\\\"'],
  ])("%j → %s", (s, out) => expect(visible(s)).toBe(out));
});

describe("shellQuote", () => {
  it.each([
    ["", "''"],
    ["plain-word_1.2/x:y@z%+=,", "plain-word_1.2/x:y@z%+=,"],
    ["two words", "'two words'"],
    ["it's", "'it'\\''s'"],
    ["$(touch /tmp/x); `id` | & # ~ * ? [a] {b} !", "'$(touch /tmp/x); `id` | & # ~ * ? [a] {b} !'"],
    ["new\nline", "'new\nline'"],
  ])("%j → %s", (s, quoted) => expect(shellQuote(s)).toBe(quoted));

  it.each([
    "",
    "two words",
    "it's",
    "'",
    "''",
    "\\",
    "$(id)",
    "`id`",
    "a\nb\r\tc",
    "\u001b[2J",
    "-oProxyCommand=sh -c id",
    "héllo ✓ 𝄞",
    "*",
    "~root",
    "!!",
    "x".repeat(5000),
  ])("bash reads %j back byte for byte as one word", (s) => expect(argvOf(shellCommand(["args", s]))).toEqual([s]));

  it("refuses a NUL byte, naming the value with control characters escaped", () => {
    expect(() => shellQuote("a\0b\u001b", "label value")).toThrow(
      new Error(
        'recette: label value "a\\u0000b\\u001b" cannot go into a shell ' +
          "script: it contains a NUL byte, which no shell argument can carry",
      ),
    );
  });
});

describe("shellCommand", () => {
  it.each<[string, Parameters<typeof shellCommand>[0], string]>([
    [
      "literal arguments",
      ["docker", "node", "update", "--label-add", "disk=ssd; touch /tmp/x"],
      "docker node update --label-add 'disk=ssd; touch /tmp/x'",
    ],
    ["a variable expansion", ["docker", "node", "rm", shellVar("NODE_ID")], 'docker node rm "$NODE_ID"'],
    ["a variable with a literal suffix", ["kubectl", "label", shellVar("k", "-")], 'kubectl label "$k"-'],
    ["a command word that looks like an assignment", ["a=b", "c"], "'a=b' c"],
  ])("%s", (_, argv, line) => expect(shellCommand(argv)).toBe(line));

  it("keeps each argument one word, and the command word a command", () => {
    expect(argvOf(shellCommand(["args", "a b", "", "c=d", "'"]))).toEqual(["a b", "", "c=d", "'"]);
  });

  it.each<[string, () => unknown, string]>([
    ["an empty command", () => shellCommand([]), "recette: an empty command"],
    [
      "a variable name with code in it",
      () => shellVar("x}$(id)"),
      'recette: variable name "x}$(id)" cannot go into a shell script: it is not a shell variable name',
    ],
    [
      "an assignment to a non-name",
      () => shellAssign("a b", "c"),
      'recette: variable name "a b" cannot go into a shell script: it is not a shell variable name',
    ],
  ])("refuses %s", (_, f, message) => expect(f).toThrow(new Error(message)));

  it("shellWords quotes the same way without a command word; shellAssign quotes the value", () => {
    expect(shellWords(["--node-label", "a=b c"])).toBe("--node-label 'a=b c'");
    expect(shellAssign("INSTALL_K3S_VERSION", "v1.32.1+k3s1; id")).toBe("INSTALL_K3S_VERSION='v1.32.1+k3s1; id'");
  });
});

describe("smtpdString", () => {
  it.each([
    ["contact@example.org", '"contact@example.org"'],
    ["10.0.0.0/24", '"10.0.0.0/24"'],
    ["smtp+tls://relay@smtp.example.org:587", '"smtp+tls://relay@smtp.example.org:587"'],
    ["a $macro # not a comment { } , 'x'", "\"a $macro # not a comment { } , 'x'\""],
  ])("%j → %s", (s, out) => expect(smtpdString(s)).toBe(out));

  it.each([
    ["", 'recette: recipient "" cannot go into smtpd.conf: it is empty'],
    [
      'a"b',
      'recette: recipient "a\\"b" cannot go into smtpd.conf: it ' +
        'contains "\\"", which a quoted smtpd.conf string cannot carry',
    ],
    [
      "a\\b",
      'recette: recipient "a\\\\b" cannot go into smtpd.conf: it ' +
        'contains "\\\\", which a quoted smtpd.conf string cannot carry',
    ],
    [
      "a<b",
      'recette: recipient "a<b" cannot go into smtpd.conf: it ' +
        'contains "<", which a quoted smtpd.conf string cannot carry',
    ],
    [
      "a>b",
      'recette: recipient "a>b" cannot go into smtpd.conf: it ' +
        'contains ">", which a quoted smtpd.conf string cannot carry',
    ],
    [
      'x" }\nmatch from any for any action "relay',
      'recette: recipient "x\\" }\\nmatch from any for any action ' +
        '\\"relay" cannot go into smtpd.conf: it contains a newline',
    ],
    ["a\rb", 'recette: recipient "a\\rb" cannot go into smtpd.conf: it contains a carriage return'],
    ["a\tb", 'recette: recipient "a\\tb" cannot go into smtpd.conf: it contains a tab'],
    ["a\u0000b", 'recette: recipient "a\\u0000b" cannot go into smtpd.conf: it contains a NUL byte'],
    ["a\u001b[2Jb", 'recette: recipient "a\\u001b[2Jb" cannot go into smtpd.conf: it contains an escape (ESC)'],
    ["a\u007fb", 'recette: recipient "a\\u007fb" cannot go into smtpd.conf: it contains the control character U+007F'],
    [
      "x".repeat(1025),
      `recette: recipient "${"x".repeat(40)}…" cannot go into smtpd.conf: it is longer than 1024 characters`,
    ],
  ])("refuses %j", (s, message) => expect(() => smtpdString(s, "recipient")).toThrow(new Error(message)));
});

describe("traefikRuleLiteral", () => {
  it.each([
    ["blog.example.org", "`blog.example.org`"],
    ["/a') || Host(\"x", "`/a') || Host(\"x`"],
  ])("%j → %s", (s, out) => expect(traefikRuleLiteral(s)).toBe(out));

  it.each([
    ["", 'recette: host "" cannot go into a Traefik rule: it is empty'],
    [
      "a`) || Host(`b",
      'recette: host "a`) || Host(`b" cannot go into a Traefik rule: ' +
        "it contains a backtick, which ends a Traefik rule string",
    ],
    ["a\nb", 'recette: host "a\\nb" cannot go into a Traefik rule: it contains a newline'],
    ["a\u009bb", 'recette: host "a\\u009bb" cannot go into a Traefik rule: it contains the control character U+009B'],
  ])("refuses %j", (s, message) => expect(() => traefikRuleLiteral(s, "host")).toThrow(new Error(message)));
});

describe("label grammars (components/formats.ts, for the loader too)", () => {
  it.each<[string, string | undefined]>([
    ["disk", undefined],
    ["example.org/disk-type_2", undefined],
    ["a".repeat(63), undefined],
    [
      "a".repeat(64),
      "a label name is 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ],
    ["-disk", "a label name is 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"],
    [
      "disk type",
      "a label name is 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ],
    ["Example.org/disk", "a label prefix is a lower-case DNS subdomain (example.org/name)"],
    ["node-role.kubernetes.io/control-plane", "the prefix node-role.kubernetes.io belongs to Kubernetes"],
    ["k3s.io/hostname", "the prefix k3s.io belongs to Kubernetes"],
  ])("Kubernetes label key %j → %s", (key, problem) => expect(kubernetesLabelKeyProblem(key)).toBe(problem));

  it.each<[string, string | undefined]>([
    ["", undefined],
    ["ssd", undefined],
    [
      "ssd;id",
      "a label value is at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ],
    [
      "a".repeat(64),
      "a label value is at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ],
  ])("Kubernetes label value %j → %s", (value, problem) => expect(kubernetesLabelValueProblem(value)).toBe(problem));

  it.each<[string, string | undefined]>([
    ["disk type*", undefined],
    ["", "it is empty"],
    ["a=b", "it contains '=', where `docker node update --label-add` splits key from value"],
    ["a\nb", "it contains a control character (the labels step reads keys one per line)"],
  ])("Swarm label key %j → %s", (key, problem) => expect(swarmLabelKeyProblem(key)).toBe(problem));
});
