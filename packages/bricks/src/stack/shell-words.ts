// Splits a Compose `command:` string into argv the way Docker Compose does (it uses
// mattn/go-shellwords without env or backtick expansion): blanks separate words, quotes group,
// a backslash escapes the next character except inside single quotes. No globbing, no `$`.
// Where go-shellwords would silently stop at an unquoted `;`, `&`, `|`, `<` or `>`, we report it.

export type Split = { readonly ok: true; readonly argv: string[] } | { readonly ok: false; readonly message: string };

const BLANK = new Set([' ', '\t', '\n', '\r']);
const META = new Set([';', '&', '|', '<', '>']);

export function splitShellWords(line: string): Split {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let single = false;
  let double = false;
  let escaped = false;
  for (const c of line) {
    if (escaped) {
      word += c;
      inWord = true;
      escaped = false;
      continue;
    }
    if (c === '\\' && !single) {
      escaped = true;
      continue;
    }
    if (single || double) {
      if ((single && c === "'") || (double && c === '"')) {
        single = false;
        double = false;
      } else {
        word += c;
      }
      continue;
    }
    if (BLANK.has(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === "'" || c === '"') {
      single = c === "'";
      double = c === '"';
      inWord = true; // "" is an (empty) word
      continue;
    }
    if (META.has(c)) {
      return {
        ok: false,
        message:
          `the command uses shell syntax ("${c}"), which Compose does not run through a shell; ` +
          'write it as a list ["sh", "-c", "..."] or put the script in x-bricks.run',
      };
    }
    word += c;
    inWord = true;
  }
  if (single || double) return { ok: false, message: `unclosed ${single ? 'single' : 'double'} quote in the command` };
  if (escaped) return { ok: false, message: 'the command ends with a lone backslash' };
  if (inWord) argv.push(word);
  return { ok: true, argv };
}
