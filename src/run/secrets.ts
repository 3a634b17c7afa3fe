// Secrets (API keys, auth headers) resolved for this run are scrubbed from every message we store or print.
export class SecretScrubber {
  private secrets: string[] = [];

  add(secret: string | undefined): void {
    // Short strings would scrub ordinary words; real keys are long.
    if (secret && secret.length >= 8 && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  }
}
