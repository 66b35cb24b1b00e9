// `bricks gen --openapi FILE`: the project's protos compiled by buf into a FileDescriptorSet
// (with the source info that carries their comments, which generated code drops), and the
// OpenAPI document of every service in it with google.api.http rules, as the gateway serves it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The modules themselves, not gateway/index.ts: that brings the gateway's SDK client, which the
// CLI bundle does not take.
import { servicesFromDescriptorSet } from '../gateway/descriptor-set.ts';
import { openApiDocument, type OpenApiOptions } from '../gateway/openapi/document.ts';
import type { OpenApiDocument } from '../gateway/openapi/types.ts';
import { writeFileAtomic } from '../util/atomic-file.ts';
import { CodegenError } from './errors.ts';
import { spawnBuf } from './generate.ts';
import { hasBufConfig, planFor } from './plan.ts';
import { installDevCommand } from './project.ts';
import { findTools } from './tools.ts';

/** The project's protos as a FileDescriptorSet with imports and source info (`buf build`). */
export async function describeProject(dir: string): Promise<Uint8Array> {
  const plan = planFor(dir);
  if (plan.input === null && !hasBufConfig(dir)) {
    // Only buf generate reads a template's inputs; buf build would compile the whole folder.
    throw new CodegenError('template-invalid', `${plan.templateFile ?? dir} names its inputs, which buf build does not read: for --openapi add a buf.yaml beside it that names the proto folder (version: v2, modules: [{ path: proto }])`);
  }
  const tools = findTools(dir, (packages) => installDevCommand(dir, packages));
  const scratch = await mkdtemp(join(tmpdir(), 'bricks-describe-'));
  try {
    const out = join(scratch, 'set.binpb');
    await spawnBuf(plan, tools, ['build', ...(plan.input === null ? [] : [plan.input]), '-o', out], 'buf build');
    return new Uint8Array(await readFile(out));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The document of the project's services with HTTP rules; none is an error that says what to add. */
export async function projectOpenApi(dir: string, options: OpenApiOptions = {}): Promise<OpenApiDocument> {
  const bytes = await describeProject(dir);
  const services = servicesFromDescriptorSet(bytes, `the protos of ${dir}`);
  if (services.length === 0) {
    throw new CodegenError('no-protos', `no service in the protos of ${dir} has a google.api.http rule, so there is no REST API to describe; annotate a method with option (google.api.http) = { get: "/v1/..." }`);
  }
  return openApiDocument(services, options);
}

/** Writes the document as JSON to `file`; false when the file already held exactly that. */
export async function writeOpenApi(file: string, document: OpenApiDocument): Promise<boolean> {
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if ((await readFile(file, 'utf8').catch(() => null)) === text) return false;
  try {
    await writeFileAtomic(file, text, 0o644, { durable: false });
  } catch (err) {
    throw new CodegenError('failed', `writing ${file} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return true;
}
