/**
 * Finds, reads and validates headroom.yaml, applies environment overrides, and returns the
 * normalised `Config`. Every failure is a one-line `ConfigError` naming the file position or the
 * environment variable, the dotted field path, what is wrong, and the fix.
 * See docs/configuration.md.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { ConfigError } from '../domain/errors.js';
import { globPattern } from '../domain/rule.js';
import { CONFIG_FILE_VARIABLE, readEnvOverrides, type EnvValue } from './env.js';
import { infoOf, schemaAt } from './fields.js';
import { dotted, explainIssue, type Problem, type Segment } from './issues.js';
import { configSchema, DEFAULT_HOME, type Config } from './schema.js';

export const CONFIG_FILE_NAME = 'headroom.yaml';

export interface LoadConfigOptions {
  /** A config file named on the command line; it must exist. */
  path?: string;
  /** Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where `./headroom.yaml` and relative paths are looked up. Default: `process.cwd()`. */
  cwd?: string;
  /**
   * A file of rules (`rules:` only, as an included file) that stands in for the config's own
   * rules and includes: a policy tried before it is adopted (`engine simulate --rules`).
   */
  rulesFile?: string;
}

/** How the config file was found: named by the caller, by HEADROOM_CONFIG, in cwd, or in home. */
export type ConfigFileOrigin = 'path' | 'env' | 'cwd' | 'home';

export interface LoadedConfig {
  config: Config;
  /** The absolute path of the file read, or null when none was found (all defaults). */
  file: string | null;
  fileOrigin: ConfigFileOrigin | null;
  /** The environment variables that overrode a field, in schema order. */
  envOverrides: string[];
}

/**
 * Loads headroom's configuration: defaults < file < environment.
 *
 * The file is `options.path` if given (it must exist), else `$HEADROOM_CONFIG` (it must exist),
 * else `./headroom.yaml` if present, else `<home>/headroom.yaml` if present (home from
 * `$HEADROOM_HOME`, default `~/.headroom`), else none.
 *
 * @throws ConfigError `HR_CONFIG_NOT_FOUND`, `HR_CONFIG_YAML` or `HR_CONFIG_INVALID`.
 * @example
 * const { config, file } = await loadConfig({ path: flags.config });
 * config.usage.windowMs; // 3600000 unless the file or HEADROOM_* says otherwise
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const userHome = homeDirectory(env);
  const found = await findConfigFile(options.path, env, cwd, userHome);

  let document: YamlSource | undefined;
  if (found !== undefined) {
    const shown = displayPath(found.path, cwd, userHome);
    document = readYaml(await readConfigText(found, shown), shown);
  }
  if (options.rulesFile !== undefined) {
    const path = resolve(cwd, options.rulesFile);
    if (!(await isFile(path))) {
      throw new ConfigError('HR_CONFIG_NOT_FOUND', `--rules ${options.rulesFile}: no such file`, {
        hint: 'give a YAML file holding rules: (a list of rules), as an included rules file does',
      });
    }
    const own = document ?? readYaml('{}', 'config');
    document = { ...own, data: { ...(isRecord(own.data) ? own.data : {}), rules: [], include: [path] } };
  }
  const overrides = readEnvOverrides(env);
  const included =
    document === undefined
      ? { data: {}, rules: [] }
      : await includeRules(document, found === undefined ? cwd : dirname(found.path), cwd, userHome);
  const data = applyOverrides(included.data, overrides);
  const validated = validate(data, { document, overrides, label: 'config', included: included.rules });
  const config = {
    ...validated,
    include: [],
    engine: {
      ...validated.engine,
      rules: validated.engine.rules.map((rule, index) => ({
        ...rule,
        file: included.rules[index]?.source.shown ?? document?.shown ?? 'config',
      })),
    },
  };

  const homeFromFile =
    document !== undefined &&
    !overrides.some((override) => override.path.join('.') === 'home') &&
    isRecord(document.data) &&
    document.data.home !== undefined;
  const base = homeFromFile && found !== undefined ? dirname(found.path) : cwd;
  return {
    config: { ...config, home: resolve(base, expandHome(config.home, userHome)) },
    file: found?.path ?? null,
    fileOrigin: found?.origin ?? null,
    envOverrides: overrides.map((override) => override.variable),
  };
}

export interface ParseConfigOptions {
  /** What `~` in `home` means. Default: the user's home directory. */
  homeDir?: string;
  /** What a relative `home` is relative to. Default: `process.cwd()`. */
  baseDir?: string;
  /** Names the input in messages. Default: `config`. */
  label?: string;
}

/**
 * Validates configuration given as data (a parsed headroom.yaml) without reading files or the
 * environment; for library callers and tests.
 *
 * @throws ConfigError `HR_CONFIG_INVALID`
 * @example
 * const config = parseConfig({ regions: ['eu-west-1'], aws: { endpoint: sandbox.url } });
 */
export function parseConfig(input: unknown, options: ParseConfigOptions = {}): Config {
  const config = validate(input ?? {}, {
    document: undefined,
    overrides: [],
    label: options.label ?? 'config',
  });
  const home = expandHome(config.home, options.homeDir ?? homedir());
  return { ...config, home: resolve(options.baseDir ?? process.cwd(), home) };
}

// ---- finding and reading the file ----

interface FoundFile {
  path: string;
  origin: ConfigFileOrigin;
}

function homeDirectory(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? env.USERPROFILE ?? homedir();
}

/** `~` and `~/…` are the user's home directory; anything else is returned as is. */
function expandHome(path: string, userHome: string): string {
  if (path === '~') return userHome;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(userHome, path.slice(2));
  return path;
}

/** A path as messages show it: relative to cwd when inside it, `~/…` when under home. */
function displayPath(path: string, cwd: string, userHome: string): string {
  const inside = (base: string): string | undefined => {
    const rel = relative(base, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : undefined;
  };
  const fromCwd = inside(cwd);
  if (fromCwd !== undefined) return fromCwd;
  const fromHome = inside(userHome);
  return fromHome === undefined ? path : `~/${fromHome}`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findConfigFile(
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
  userHome: string,
): Promise<FoundFile | undefined> {
  if (given !== undefined) return { path: resolve(cwd, expandHome(given, userHome)), origin: 'path' };
  const fromEnv = env[CONFIG_FILE_VARIABLE]?.trim() ?? '';
  if (fromEnv !== '') return { path: resolve(cwd, expandHome(fromEnv, userHome)), origin: 'env' };
  const inCwd = join(cwd, CONFIG_FILE_NAME);
  if (await isFile(inCwd)) return { path: inCwd, origin: 'cwd' };
  const homeText = env.HEADROOM_HOME?.trim() ?? '';
  const home = resolve(cwd, expandHome(homeText === '' ? DEFAULT_HOME : homeText, userHome));
  const inHome = join(home, CONFIG_FILE_NAME);
  if (await isFile(inHome)) return { path: inHome, origin: 'home' };
  return undefined;
}

async function readConfigText(found: FoundFile, shown: string): Promise<string> {
  const named =
    found.origin === 'env' ? `${CONFIG_FILE_VARIABLE} names ${shown}, which` : `config file ${shown}`;
  const unsetHint =
    found.origin === 'env'
      ? `correct ${CONFIG_FILE_VARIABLE}, or unset it to use ./${CONFIG_FILE_NAME}`
      : `check the path, or leave it out to use ./${CONFIG_FILE_NAME} or ${DEFAULT_HOME}/${CONFIG_FILE_NAME}`;
  try {
    return await readFile(found.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ConfigError('HR_CONFIG_NOT_FOUND', `${named} does not exist`, {
        hint: unsetHint,
        cause: error,
      });
    }
    if (code === 'EISDIR') {
      throw new ConfigError('HR_CONFIG_NOT_FOUND', `${named} is a directory, not a file`, {
        hint: `name the file itself, e.g. ${join(shown, CONFIG_FILE_NAME)}`,
        cause: error,
      });
    }
    throw new ConfigError('HR_CONFIG_NOT_FOUND', `${named} cannot be read (${code ?? String(error)})`, {
      hint: 'check that the file is readable by this user',
      cause: error,
    });
  }
}

// ---- YAML ----

interface YamlSource {
  readonly shown: string;
  readonly data: unknown;
  readonly document: Document;
  readonly lines: LineCounter;
}

const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'each setting may appear once per mapping; remove or merge the repeat',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'line the setting up with the others at its level',
  MISSING_CHAR: 'close the quote or bracket opened before this point',
  MULTIPLE_DOCS: 'keep one document in the file (remove the extra ---)',
};

function readYaml(text: string, shown: string): YamlSource {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const { line, col } = lines.linePos(error.pos[0]);
    const message = (error.message.split('\n')[0] ?? error.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    throw new ConfigError('HR_CONFIG_YAML', `${shown}:${line}:${col}: ${message}`, {
      hint: YAML_HINTS[error.code] ?? 'check the indentation and quoting at that line',
      cause: error,
    });
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new ConfigError(
      'HR_CONFIG_YAML',
      `${shown}: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'check the anchors (&) and aliases (*) in the file',
        cause: error,
      },
    );
  }
  // An empty file (or only comments) sets nothing.
  return { shown, data: data ?? {}, document, lines };
}

/** A rule read from an included file: the file and its place there. */
interface IncludedRule {
  readonly source: YamlSource;
  readonly index: number;
}

/** The files one `include` entry names: a path, or a glob (`*`, `?`) in its last part. */
async function expandInclude(pattern: string, base: string): Promise<string[]> {
  const path = resolve(base, pattern);
  const name = basename(path);
  if (!name.includes('*') && !name.includes('?')) return (await isFile(path)) ? [path] : [];
  const dir = dirname(path);
  const glob = globPattern(name);
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: string[] = [];
  for (const entry of names.sort()) {
    if (glob.test(entry) && (await isFile(join(dir, entry)))) files.push(join(dir, entry));
  }
  return files;
}

/**
 * The config's data with the rules of the files `include` names appended to `rules` (in the
 * order the entries and then the file names sort), and where each added rule came from. An
 * included file holds `rules:` and nothing else.
 */
async function includeRules(
  document: YamlSource,
  base: string,
  cwd: string,
  userHome: string,
): Promise<{ data: unknown; rules: (IncludedRule | undefined)[] }> {
  const data = document.data;
  if (!isRecord(data) || !Array.isArray(data.include) || data.include.length === 0) {
    return { data, rules: [] };
  }
  const own: unknown[] | undefined = Array.isArray(data.rules)
    ? (data.rules as unknown[])
    : data.rules === undefined
      ? []
      : undefined;
  if (own === undefined) return { data, rules: [] }; // `rules` is not a list: validation says so
  const rules: unknown[] = [...own];
  const origins: (IncludedRule | undefined)[] = own.map(() => undefined);
  for (const [entry, pattern] of data.include.entries()) {
    if (typeof pattern !== 'string' || pattern === '') continue; // validation says so
    const files = await expandInclude(pattern, base);
    if (files.length === 0) {
      throw new ConfigError(
        'HR_CONFIG_NOT_FOUND',
        `${document.shown}: include.${entry} (${pattern}) matches no file`,
        {
          hint: `paths are relative to ${displayPath(base, cwd, userHome) || '.'}; fix the path or remove the entry`,
        },
      );
    }
    for (const file of files) {
      const shown = displayPath(file, cwd, userHome);
      const source = readYaml(await readConfigText({ path: file, origin: 'path' }, shown), shown);
      const content = source.data;
      const keys = isRecord(content) ? Object.keys(content) : [];
      const list = isRecord(content) ? content.rules : undefined;
      const stray = keys.find((key) => key !== 'rules');
      if (!Array.isArray(list) || stray !== undefined) {
        const position = stray === undefined ? undefined : locate(source, [stray], true);
        throw new ConfigError(
          'HR_CONFIG_INVALID',
          stray === undefined
            ? `${shown}: an included file must hold a list under rules:`
            : `${shown}${position ? `:${position.line}:${position.col}` : ''}: ${stray} is not allowed in an included file`,
          {
            hint: 'an included file holds only rules: (a list of rules); other settings belong in headroom.yaml',
          },
        );
      }
      list.forEach((rule, index) => {
        rules.push(rule);
        origins.push({ source, index });
      });
    }
  }
  return { data: { ...data, rules }, rules: origins };
}

/** Where the field at `path` is in the file, or the deepest part of it the file has. */
function locate(
  source: YamlSource,
  path: readonly Segment[],
  atKey: boolean,
): { line: number; col: number } | undefined {
  let node: unknown = source.document.contents;
  let offset = isScalar(node) || isMap(node) || isSeq(node) ? node.range?.[0] : undefined;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(source.document);
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      const value = pair.value;
      const valueStart = isScalar(value) || isMap(value) || isSeq(value) ? value.range?.[0] : undefined;
      offset =
        last && !atKey && valueStart !== undefined && value !== null ? valueStart : (keyStart ?? offset);
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      offset = isScalar(item) || isMap(item) || isSeq(item) ? (item.range?.[0] ?? offset) : offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : source.lines.linePos(offset);
}

// ---- environment ----

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `data` with each override set at its path; a path blocked by a non-mapping is left to fail. */
function applyOverrides(data: unknown, overrides: readonly EnvValue[]): unknown {
  if (!isRecord(data)) return data;
  const root: Record<string, unknown> = { ...data };
  for (const { path, value } of overrides) {
    let parent = root;
    let blocked = false;
    for (const key of path.slice(0, -1)) {
      const child = parent[key] ?? {};
      if (!isRecord(child)) {
        blocked = true;
        break;
      }
      parent[key] = { ...child };
      parent = parent[key] as Record<string, unknown>;
    }
    const last = path.at(-1);
    if (!blocked && last !== undefined) parent[last] = value;
  }
  return root;
}

// ---- validation and messages ----

interface Sources {
  document: YamlSource | undefined;
  overrides: readonly EnvValue[];
  label: string;
  /** Per rule of the data: the included file it came from (undefined: the config itself). */
  included?: readonly (IncludedRule | undefined)[];
  /** The data validated, for naming rules in messages. */
  data?: unknown;
}

/**
 * A rule's problem names the rule: `rules.2 (compute).level`. A rule from an included file is
 * numbered as in that file.
 */
function ruleLabel(
  path: readonly Segment[],
  sources: Sources,
): { text: string; source?: YamlSource; local?: Segment[] } {
  const [head, index, ...rest] = path;
  if (head !== 'rules' || typeof index !== 'number') return { text: dotted(path) };
  const rules = isRecord(sources.data) && Array.isArray(sources.data.rules) ? sources.data.rules : [];
  const rule: unknown = rules[index];
  const name = isRecord(rule) && typeof rule.name === 'string' ? ` (${rule.name})` : '';
  const origin = sources.included?.[index];
  const local = origin?.index ?? index;
  const text = `rules.${local}${name}${rest.length > 0 ? `.${rest.join('.')}` : ''}`;
  return origin === undefined ? { text } : { text, source: origin.source, local: ['rules', local, ...rest] };
}

function startsWith(path: readonly Segment[], prefix: readonly string[]): boolean {
  return prefix.every((segment, index) => path[index] === segment);
}

/** A valid value written the way YAML wants it: `'123456789012'`, `[us-east-1, eu-west-1]`. */
function asYaml(value: unknown): string {
  return stringify(value, {
    collectionStyle: 'flow',
    flowCollectionPadding: false,
    singleQuote: true,
    lineWidth: 0,
  }).trim();
}

function asEnv(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

interface Located {
  /** Sorts env problems first, then file problems in file order. */
  order: number;
  message: string;
  hint: string | undefined;
}

function locateProblem(problem: Problem, sources: Sources): Located {
  const { path, hint } = problem;
  const override = sources.overrides.find((candidate) => startsWith(path, candidate.path));
  if (override !== undefined) {
    let example: unknown;
    if (hint !== undefined && 'example' in hint) {
      const own = path.length === override.path.length;
      const fieldSchema = schemaAt(configSchema, override.path);
      example = own ? hint.example : fieldSchema === undefined ? undefined : infoOf(fieldSchema)?.example;
    }
    return {
      order: sources.overrides.indexOf(override),
      message: `${override.variable}: ${dotted(path)} ${problem.problem}`,
      hint:
        hint === undefined
          ? undefined
          : 'text' in hint
            ? hint.text
            : `set ${override.variable}=${asEnv(example)}`,
    };
  }
  let where = sources.label;
  let order = Number.MAX_SAFE_INTEGER;
  const label = ruleLabel(path, sources);
  const document = label.source ?? sources.document;
  if (document !== undefined) {
    where = document.shown;
    const position = locate(document, label.local ?? problem.at ?? path, problem.atKey);
    if (position !== undefined) {
      where += `:${position.line}:${position.col}`;
      order = sources.overrides.length + position.line * 10_000 + position.col;
    }
  }
  const last = path.at(-1);
  let hintText: string | undefined;
  if (hint !== undefined) {
    if ('text' in hint) hintText = hint.text;
    else if (typeof last === 'string') {
      hintText = `write ${last}: ${asYaml(hint.example)}${hint.orDelete === true ? ', or delete the line for the default' : ''}`;
    } else if (typeof last === 'number') hintText = `write it as ${asYaml(hint.example)}`;
    else hintText = 'see docs/configuration.md for an example file';
  }
  return { order, message: `${where}: ${label.text} ${problem.problem}`, hint: hintText };
}

function validate(data: unknown, given: Sources): Config {
  const sources = { ...given, data };
  const result = configSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  // One problem per field: a value can fail two checks (a pattern and a range) at once.
  const problems = new Map<string, Problem>();
  for (const problem of result.error.issues.flatMap((issue) => explainIssue(configSchema, issue))) {
    const key = JSON.stringify(problem.path);
    if (!problems.has(key)) problems.set(key, problem);
  }
  const located = [...problems.values()]
    .map((problem) => locateProblem(problem, sources))
    .sort((a, b) => a.order - b.order);
  const [first] = located;
  if (first === undefined)
    throw new ConfigError('HR_CONFIG_INVALID', `${sources.label}: ${result.error.message}`);
  const count = located.length > 1 ? ` [1 of ${located.length} problems]` : '';
  throw new ConfigError('HR_CONFIG_INVALID', `${first.message}${count}`, {
    ...(first.hint === undefined ? {} : { hint: first.hint }),
    cause: result.error,
  });
}
