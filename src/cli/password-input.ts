import { ExitCode } from "./exit-codes.js";
import { UserError } from "./output.js";

/**
 * A password from where it does not end up in shell history or `ps`: standard input (--password-stdin, for
 * scripts), the PORTELLO_PASSWORD environment variable, or a prompt with echo off on a terminal.
 */
export async function readPassword(options: { stdin?: boolean }): Promise<string> {
  if (options.stdin) return (await readAll(process.stdin)).replace(/\r?\n$/, "");
  const fromEnv = process.env.PORTELLO_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new UserError(
      "no password given: pipe it in with --password-stdin, set PORTELLO_PASSWORD, or run in a terminal to be asked",
      ExitCode.usage,
    );
  }
  const first = await prompt("Password: ");
  const again = await prompt("Password again: ");
  if (first !== again) throw new UserError("the two passwords differ; nothing was changed", ExitCode.usage);
  return first;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads one line from the terminal in raw mode, echoing nothing. */
function prompt(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new UserError("cancelled", ExitCode.usage));
        if (ch === "\u007f" || ch === "\b") typed = [...typed].slice(0, -1).join("");
        else typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}
