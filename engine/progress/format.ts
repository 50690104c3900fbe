/** How progress is shown: a live status line on a terminal, plain lines in CI and logs. */
export interface Terminal {
  /** A terminal a person watches: a spinner and a status line redrawn in place. */
  tty: boolean;
  /** ANSI colours (never when NO_COLOR is set, https://no-color.org). */
  color: boolean;
  /** The terminal's width, to keep the status line on one row. */
  columns: number;
}

/** Plain lines when CI is set or stdout/stderr is not a terminal; colours only on a terminal, without NO_COLOR. */
export const terminalOf = (
  env: NodeJS.ProcessEnv,
  streams: { stdoutTTY: boolean; stderrTTY: boolean; columns?: number },
): Terminal => {
  const tty = streams.stdoutTTY && streams.stderrTTY && !env.CI;
  return { tty, color: tty && !env.NO_COLOR, columns: streams.columns && streams.columns > 20 ? streams.columns : 80 };
};

/** The terminal of this process. */
export const processTerminal = (): Terminal =>
  terminalOf(process.env, {
    stdoutTTY: process.stdout.isTTY === true,
    stderrTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  });

/** `4s`, `1m05s`: whole seconds, as a person reads a duration. */
export const formatDuration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

const CODES = { green: 32, yellow: 33, red: 31, magenta: 35, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export const paint = (t: Terminal, colour: Colour, text: string): string =>
  t.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;

/** The engine's messages carry its own colour markup (`<{%reset%}>`) and ANSI codes: the text only. */
export const plainText = (message: string): string =>
  message.replace(/\u001b\[[0-9;]*m|<\{%[^%]*%\}>/g, "").replace(/\s+$/, "");
