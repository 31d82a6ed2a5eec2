/**
 * Request bodies as the Slack Web API stand-in reads them: a Web API call's arguments (form or JSON),
 * a response_url post, and the file bytes of an upload.
 */
import type { IncomingMessage } from 'node:http';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseArgs(type: string | undefined, raw: string): Record<string, unknown> {
  if (!raw) return {};
  if (type?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The Web API client form-encodes objects as JSON strings; a text such as `[drill] …` stays text.
    out[k] = k !== 'text' && /^[[{]/.test(v) ? parseOr(v) : v;
  }
  return out;
}

function parseOr(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** The file inside a multipart upload (the Web API client posts the bytes as form data), or the raw body. */
export function fileContent(type: string | undefined, raw: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type ?? '');
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return raw;
  const part = raw.split(`--${b}`).find((p) => p.includes('\r\n\r\n') && !p.startsWith('--'));
  if (!part) return raw;
  return part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
}
