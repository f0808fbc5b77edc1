/**
 * The deployment files agree with the code, without a Docker engine or a cluster: docker-compose.yml,
 * deploy/Dockerfile, deploy/nginx/herald.conf and k8s/ name only services and environment variables that exist
 * (@herald/config), route every public path prefix to the service that owns it, and hold no secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ENV_KEYS, SERVICE_NAMES } from '@herald/config';

/** Public path prefix → owning service (ARCHITECTURE.md, "One public origin"). */
const ROUTES: Readonly<Record<string, string>> = {
  '/api/auth': 'composer',
  '/api/alerts': 'composer',
  '/api/templates': 'composer',
  '/api/emergency': 'composer',
  '/api/me': 'composer',
  '/api/directory': 'directory',
  '/api/audiences': 'directory',
  '/api/schedules': 'scheduler',
  '/api/audit': 'audit',
  '/socket.io': 'gateway',
  '/': 'gateway',
};
const SECRET_VARS = ['JWT_SECRET', 'LDAP_BIND_PASSWORD'];
const SECRET_NAME = /SECRET|PASSWORD|_PASS$/;
const KNOWN_ENV = new Set<string>(ENV_KEYS);
const ROOT = findRepoRoot(__dirname);

type Labels = Record<string, string>;
interface ComposeBuild { context?: string; dockerfile?: string; target?: string }
interface ComposeService {
  build?: string | ComposeBuild;
  environment?: Record<string, unknown> | string[];
  volumes?: (string | { type?: string; source?: string })[];
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string }[];
  livenessProbe?: { httpGet?: { path?: string } };
  readinessProbe?: { httpGet?: { path?: string } };
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  // Deployment: selector.matchLabels + template; Service: selector (labels) + ports; Ingress: rules.
  spec?: {
    selector?: Labels & { matchLabels?: Labels };
    template?: { metadata: { labels?: Labels }; spec: { containers: Container[] } };
    ports?: { port: number; targetPort?: number | string }[];
    rules?: { http?: { paths: IngressPath[] } }[];
  };
}
interface IngressPath { path: string; pathType: string; backend: { service?: { name: string; port: { number?: number; name?: string } } } }

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'herald') return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json named "herald" above ${from}`);
  }
}

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Fails the test with one line per problem (an empty list passes). */
function expectNone(problems: string[]): void {
  assert.deepEqual(problems, [], `\n  ${problems.join('\n  ')}`);
}

/** Every document of a YAML file as plain data; throws on the first syntax error. */
function yamlDocuments<T>(file: string): T[] {
  return parseAllDocuments(read(file)).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS() as T;
  });
}

// ---- docker-compose -----------------------------------------------------------------------------------------------

/** Compose services; `merge` resolves the `<<: *anchor` keys compose uses to share the Herald service definition. */
function composeServices(): Record<string, ComposeService> {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services?: Record<string, ComposeService> };
  return compose?.services ?? {};
}

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((line) => line.split(/=(.*)/s)) : Object.entries(env);
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value ?? '')]));
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}`: a value compose interpolates from .env. */
const isReference = (value: string): boolean => /^\$\{[A-Za-z_]\w*(:?[-?+][^}]*)?\}$/.test(value);

/** The password of a `scheme://user:password@host` URL, every `${...}` reference in it shortened to `${}`. */
const urlPassword = (value: string): string | undefined =>
  /^[a-z][\w+.-]*:\/\/[^/@:]*:([^@/]*)@/i.exec(value.replace(/\$\{[^}]*\}/g, '${}'))?.[1];

/** Dockerfile stage name → the SERVICE it sets (undefined when it sets none). */
function dockerfileStages(): Map<string, string | undefined> {
  const stages = new Map<string, string | undefined>();
  for (const stage of read('deploy/Dockerfile').split(/^(?=FROM\s)/im)) {
    const name = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(stage)?.[1];
    if (name) stages.set(name, /^ENV\s+SERVICE=(\S+)/im.exec(stage)?.[1]);
  }
  return stages;
}

test('docker-compose.yml parses and declares services', () => {
  assert.ok(Object.keys(composeServices()).length > 0, 'docker-compose.yml has no services');
});

test('compose builds every Herald service from its own deploy/Dockerfile target', () => {
  const services = composeServices();
  const stages = dockerfileStages();
  const problems: string[] = [];
  for (const name of SERVICE_NAMES) {
    const build = services[name]?.build;
    if (!build) {
      problems.push(`${name}: no compose service with a build section`);
      continue;
    }
    const { context = '.', dockerfile = 'Dockerfile', target } = typeof build === 'string' ? { context: build } : build;
    if (resolve(ROOT, context, dockerfile) !== resolve(ROOT, 'deploy/Dockerfile')) problems.push(`${name}: builds ${join(context, dockerfile)}, not deploy/Dockerfile`);
    if (!target || !stages.has(target)) problems.push(`${name}: target "${target}" is no "FROM ... AS" stage of deploy/Dockerfile`);
    else if (stages.get(target) !== name) problems.push(`${name}: stage "${target}" sets SERVICE=${stages.get(target)}`);
  }
  expectNone(problems);
});

test('compose sets only environment variables that @herald/config reads', () => {
  const services = composeServices();
  const problems = SERVICE_NAMES.flatMap((name) =>
    Object.keys(environmentOf(services[name] ?? {}))
      .filter((key) => !KNOWN_ENV.has(key))
      .map((key) => `${name}: ${key} is not in envSchema`),
  );
  expectNone(problems);
});

test('compose takes every secret from .env, never from a literal', () => {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(composeServices())) {
    const env = environmentOf(service);
    if ((SERVICE_NAMES as readonly string[]).includes(name)) {
      for (const key of SECRET_VARS) if (!(key in env)) problems.push(`${name}: ${key} is not set`);
    }
    for (const [key, value] of Object.entries(env)) {
      if (SECRET_NAME.test(key) && !isReference(value)) problems.push(`${name}: ${key} is a literal, not a \${...} reference`);
      const password = urlPassword(value);
      if (password !== undefined && password !== '${}') problems.push(`${name}: ${key} embeds a literal password`);
    }
  }
  expectNone(problems);
});

test('every file compose mounts exists in the repository', () => {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(composeServices())) {
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.type === 'bind' ? volume.source : undefined;
      if (!source || !/^[./~]/.test(source)) continue; // a named volume
      const path = resolve(ROOT, source);
      if (!path.startsWith(ROOT + sep) || !existsSync(path)) problems.push(`${name}: mounts ${source}, which is not a file of the repository`);
    }
  }
  expectNone(problems);
});

// ---- nginx (compose ingress) ----------------------------------------------------------------------------------------

/** nginx `location` → host it proxies to, following `set $var host:port;` indirections. */
function nginxRoutes(): Map<string, string> {
  const conf = read('deploy/nginx/herald.conf').replace(/#.*$/gm, '');
  const vars = new Map([...conf.matchAll(/^\s*set\s+\$(\w+)\s+([^;\s]+)\s*;/gm)].map((m) => [m[1], m[2]]));
  const routes = new Map<string, string>();
  for (const [, path, body] of conf.matchAll(/location\s+(?:[=~^*]+\s+)?(\S+)\s*\{([^}]*)\}/g)) {
    const target = /proxy_pass\s+https?:\/\/([^;/\s]+)/.exec(body)?.[1];
    if (target) routes.set(path, (target.startsWith('$') ? (vars.get(target.slice(1)) ?? target) : target).split(':')[0]);
  }
  return routes;
}

test('the compose ingress (nginx) routes every public prefix to its owner', () => {
  const routes = nginxRoutes();
  const problems = Object.entries(ROUTES)
    .filter(([prefix, owner]) => routes.get(prefix) !== owner)
    .map(([prefix, owner]) => `location ${prefix}: proxies to ${routes.get(prefix) ?? 'nothing'}, owner is ${owner}`);
  expectNone(problems);
});

// ---- Kubernetes -----------------------------------------------------------------------------------------------------

interface Kustomization { resources?: string[]; images?: { name: string }[] }
const kustomization = (dir: string): Kustomization => yamlDocuments<Kustomization>(join(dir, 'kustomization.yaml'))[0] ?? {};

function baseObjects(): K8sObject[] {
  return (kustomization('k8s/base').resources ?? []).flatMap((file) => yamlDocuments<K8sObject>(join('k8s/base', file)));
}

const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const within = (subset: Labels | undefined, labels: Labels | undefined): boolean =>
  !!subset && Object.keys(subset).length > 0 && Object.entries(subset).every(([k, v]) => labels?.[k] === v);

test('every resource of k8s/base/kustomization.yaml exists and parses', () => {
  const problems: string[] = [];
  for (const file of kustomization('k8s/base').resources ?? []) {
    if (!existsSync(join(ROOT, 'k8s/base', file))) problems.push(`${file}: missing`);
    else {
      try {
        for (const o of yamlDocuments<K8sObject>(join('k8s/base', file))) if (!o?.kind || !o.metadata?.name) problems.push(`${file}: a document has no kind or metadata.name`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  expectNone(problems);
});

test('k8s/overlays/example builds on the base and retags only its images', () => {
  const overlay = kustomization('k8s/overlays/example');
  const baseImages = new Set((kustomization('k8s/base').images ?? []).map((i) => i.name));
  const problems = [
    ...(overlay.resources ?? []).filter((r) => !existsSync(join(ROOT, 'k8s/overlays/example', r))).map((r) => `resource ${r}: missing`),
    ...(overlay.images ?? []).filter((i) => !baseImages.has(i.name)).map((i) => `image ${i.name}: not an image of the base`),
  ];
  expectNone(problems);
});

test('k8s/base has a Deployment and a Service for every Herald service, selecting its pods only', () => {
  const objects = baseObjects();
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const images = new Set((kustomization('k8s/base').images ?? []).map((i) => i.name));
  const problems: string[] = [];
  for (const name of SERVICE_NAMES) {
    const deployment = find(objects, 'Deployment', name);
    const service = find(objects, 'Service', name);
    if (!deployment || !service) {
      problems.push(`${name}: missing ${deployment ? 'Service' : 'Deployment'}`);
      continue;
    }
    const podLabels = deployment.spec?.template?.metadata.labels;
    const container = deployment.spec?.template?.spec.containers[0];
    if (!within(deployment.spec?.selector?.matchLabels, podLabels)) problems.push(`${name}: Deployment selector does not match its pod labels`);
    if (!within(service.spec?.selector, podLabels)) problems.push(`${name}: Service selector does not match the Deployment's pods`);
    for (const other of deployments.filter((d) => d !== deployment)) {
      if (within(service.spec?.selector, other.spec?.template?.metadata.labels)) problems.push(`${name}: Service also selects the pods of ${other.metadata.name}`);
    }
    const port = service.spec?.ports?.find((p) => p.port === 80);
    const target = container?.ports?.find((p) => p.name === port?.targetPort || p.containerPort === port?.targetPort);
    if (target?.containerPort !== 3000) problems.push(`${name}: Service port 80 does not lead to container port 3000`);
    if (!images.has(container?.image.split(':')[0] ?? '')) problems.push(`${name}: image ${container?.image} is not listed in kustomization images`);
    if (container?.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${name}: liveness probe is not GET /healthz`);
    if (container?.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${name}: readiness probe is not GET /readyz`);
  }
  expectNone(problems);
});

test('k8s ConfigMaps, Secrets and Deployment env name only variables that @herald/config reads', () => {
  const problems: string[] = [];
  for (const o of baseObjects()) {
    const keys = [
      ...(o.kind === 'ConfigMap' || o.kind === 'Secret' ? Object.keys({ ...o.data, ...o.stringData }) : []),
      ...(o.spec?.template?.spec.containers ?? []).flatMap((c) => (c.env ?? []).map((e) => e.name)),
    ];
    for (const key of keys) if (!KNOWN_ENV.has(key)) problems.push(`${o.kind} ${o.metadata.name}: ${key} is not in envSchema`);
  }
  expectNone(problems);
});

test('k8s Secrets hold placeholders only', () => {
  const problems: string[] = [];
  for (const o of baseObjects().filter((x) => x.kind === 'Secret')) {
    const values = { ...o.stringData, ...Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])) };
    for (const [key, value] of Object.entries(values)) if (!String(value).includes('CHANGE-ME')) problems.push(`Secret ${o.metadata.name}: ${key} holds a real-looking value`);
  }
  expectNone(problems);
});

test('the k8s Ingress routes every public prefix to the owning Service', () => {
  const paths = baseObjects()
    .filter((o) => o.kind === 'Ingress')
    .flatMap((o) => (o.spec?.rules ?? []).flatMap((r) => r.http?.paths ?? []));
  const problems = Object.entries(ROUTES).flatMap(([prefix, owner]) => {
    const path = paths.find((p) => p.path === prefix);
    const backend = path?.backend.service;
    if (!path || !backend) return [`${prefix}: no Ingress path`];
    const ok = path.pathType === 'Prefix' && backend.name === owner && (backend.port.number === 80 || backend.port.name === 'http');
    return ok ? [] : [`${prefix}: routes to ${backend.name}:${backend.port.number ?? backend.port.name} (${path.pathType}), owner is ${owner}:80 (Prefix)`];
  });
  expectNone(problems);
});

// ---- the services themselves ------------------------------------------------------------------------------------------

test('every Herald service has services/<name>/src/main.ts (the entry point the image runs)', () => {
  expectNone(SERVICE_NAMES.filter((name) => !existsSync(join(ROOT, 'services', name, 'src/main.ts'))).map((name) => `services/${name}/src/main.ts: missing`));
});
