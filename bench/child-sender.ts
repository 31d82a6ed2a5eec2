/**
 * Runs a sender script in a child process, hands it `input` as JSON on stdin and resolves with the
 * JSON it prints. A sender inside the bot's own process would send late whenever the bot's event
 * loop stalls, and the stall would go missing from the figures.
 */
import { spawn } from 'node:child_process';

export function runSender<T>(script: string, input: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`the sender exited with ${code}`));
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as T);
    });
    child.stdin.end(JSON.stringify(input));
  });
}
