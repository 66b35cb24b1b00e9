// Terminal colour, off when the output is not a terminal, NO_COLOR is set (no-color.org), or a
// command's --no-color says so.
let enabled = process.stdout.isTTY && process.env.NO_COLOR === undefined;

/** `--no-color`: plain text from here on. */
export function disableColor(): void {
  enabled = false;
}

const paint = (code: number) => (text: string): string => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);

export const color = {
  red: paint(31),
  green: paint(32),
  yellow: paint(33),
  blue: paint(34),
  magenta: paint(35),
  cyan: paint(36),
  dim: paint(2),
  bold: paint(1),
};

const PALETTE = [color.cyan, color.magenta, color.blue, color.yellow, color.green];

/** The same name always gets the same colour. */
export function colorFor(name: string): (text: string) => string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? color.cyan;
}
