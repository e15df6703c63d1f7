import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A read of wall-clock time, global timers or unseeded randomness. */
export interface NondeterminismFinding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly what: string;
}

/** A method declaration with a return type (`setTimeout(cb: () => void, ms: number): TimerHandle {`), not a call. */
const METHOD_DECLARATION = /^\s*(?:async\s+)?\w+\s*\(.*\)\s*:\s*[\w<{[(]/;

const FORBIDDEN: readonly { readonly pattern: RegExp; readonly what: string; readonly except?: RegExp }[] = [
  { pattern: /\bDate\s*\.\s*now\s*\(/, what: 'Date.now()' },
  { pattern: /\bnew\s+Date\s*\(\s*\)/, what: 'new Date()' },
  { pattern: /(?<!new\s*)(^|[^.\w$])Date\s*\(\s*\)/, what: 'Date()' },
  { pattern: /\bperformance\s*\.\s*now\s*\(/, what: 'performance.now()' },
  { pattern: /\bprocess\s*\.\s*hrtime\b/, what: 'process.hrtime' },
  { pattern: /\bMath\s*\.\s*random\s*\(/, what: 'Math.random()' },
  { pattern: /\b(randomUUID|getRandomValues|randomBytes|randomInt)\s*\(/, what: 'crypto randomness' },
  { pattern: /(^|[^.\w$#])(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|clearImmediate)\s*\(/, what: 'a global timer', except: METHOD_DECLARATION },
  { pattern: /\bglobalThis\s*\.\s*(setTimeout|setInterval|setImmediate)\b/, what: 'a global timer' },
  { pattern: /from\s+['"](node:)?timers(\/promises)?['"]/, what: 'node:timers' },
];

/** Blanks out comments and string contents, keeping line structure, so only code is checked. */
export function codeOnly(source: string): string {
  return source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g,
    (match) => {
      if (match.startsWith('/')) return match.replace(/[^\n]/g, ' ');
      // Keep import specifiers visible: they are checked too.
      return match[0] + match.slice(1, -1).replace(/[^\n]/g, (c) => (/[\w:/.-]/.test(c) ? c : ' ')) + match.slice(-1);
    },
  );
}

/** Finds forbidden reads in one source text. */
export function findNondeterminism(file: string, source: string): NondeterminismFinding[] {
  const findings: NondeterminismFinding[] = [];
  const lines = codeOnly(source).split('\n');
  const original = source.split('\n');
  lines.forEach((line, i) => {
    for (const { pattern, what, except } of FORBIDDEN) {
      if (pattern.test(line) && !except?.test(line)) findings.push({ file, line: i + 1, text: (original[i] ?? '').trim(), what });
    }
  });
  return findings;
}

/** Every non-test TypeScript file under `dir`. */
export function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

/** Scans the deterministic folders of the project at `root`, except the allowed files. */
export function scanProject(root: string, folders: readonly string[], allowed: ReadonlySet<string>): NondeterminismFinding[] {
  return folders.flatMap((folder) =>
    sourceFiles(join(root, folder))
      .map((path) => relative(root, path))
      .filter((file) => !allowed.has(file))
      .flatMap((file) => findNondeterminism(file, readFileSync(join(root, file), 'utf8'))),
  );
}
