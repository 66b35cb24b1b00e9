// gRPC server reflection, v1 and v1alpha (grpcurl still asks v1alpha first on older builds), on
// every SDK server: the services it serves and, from the descriptors protoc-gen-es embedded
// in the generated code, every file, symbol and extension they reach. Each file goes with the
// files it imports; on one stream a dependency is sent once (the asked-for file always).
import { toBinary, type DescEnum, type DescExtension, type DescFile, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { codeToGrpc } from '../../errors/index.ts';
import { implement, type ServiceImplementation } from '../implement.ts';
import { ServerReflection as ServerReflectionV1, type ServerReflectionRequest } from './gen/grpc/reflection/v1/reflection_pb.ts';
import { ServerReflection as ServerReflectionV1alpha } from './gen/grpc/reflection/v1alpha/reflection_pb.ts';

export { ServerReflectionV1, ServerReflectionV1alpha };

/** Files, symbols and extensions reachable from a set of services. */
class DescriptorIndex {
  readonly files = new Map<string, DescFile>();
  readonly symbols = new Map<string, DescFile>();
  readonly extensions = new Map<string, DescExtension[]>();
  readonly messages = new Set<string>();

  constructor(readonly services: readonly DescService[]) {
    for (const s of services) this.#addFile(s.file);
  }

  #addFile(f: DescFile): void {
    if (this.files.has(f.proto.name)) return;
    this.files.set(f.proto.name, f);
    for (const d of f.dependencies) this.#addFile(d);
    for (const s of f.services) {
      this.symbols.set(s.typeName, f);
      for (const m of s.methods) this.symbols.set(`${s.typeName}.${m.name}`, f);
    }
    for (const m of f.messages) this.#addMessage(f, m);
    for (const e of f.enums) this.#addEnum(f, e);
    for (const x of f.extensions) this.#addExtension(f, x);
  }

  #addMessage(f: DescFile, m: DescMessage): void {
    this.symbols.set(m.typeName, f);
    this.messages.add(m.typeName);
    for (const n of m.nestedMessages) this.#addMessage(f, n);
    for (const e of m.nestedEnums) this.#addEnum(f, e);
    for (const x of m.nestedExtensions) this.#addExtension(f, x);
  }

  #addEnum(f: DescFile, e: DescEnum): void {
    this.symbols.set(e.typeName, f);
  }

  #addExtension(f: DescFile, x: DescExtension): void {
    this.symbols.set(x.typeName, f);
    const list = this.extensions.get(x.extendee.typeName) ?? [];
    list.push(x);
    this.extensions.set(x.extendee.typeName, list);
  }
}

type Answer = { case: 'fileDescriptorResponse'; value: { fileDescriptorProto: Uint8Array[] } } | { case: 'allExtensionNumbersResponse'; value: { baseTypeName: string; extensionNumber: number[] } } | { case: 'listServicesResponse'; value: { service: { name: string }[] } } | { case: 'errorResponse'; value: { errorCode: number; errorMessage: string } };

const notFound = (what: string): Answer => ({ case: 'errorResponse', value: { errorCode: codeToGrpc('not_found'), errorMessage: `${what} not found` } });

/** The file and what it imports, leaving out dependencies this stream already sent. */
function withDependencies(f: DescFile, sent: Set<string>): Answer {
  const out: Uint8Array[] = [];
  const visit = (file: DescFile, asked: boolean): void => {
    if (!asked && sent.has(file.proto.name)) return;
    sent.add(file.proto.name);
    out.push(toBinary(FileDescriptorProtoSchema, file.proto));
    for (const d of file.dependencies) visit(d, false);
  };
  visit(f, true);
  return { case: 'fileDescriptorResponse', value: { fileDescriptorProto: out } };
}

function answer(index: DescriptorIndex, req: ServerReflectionRequest, sent: Set<string>): Answer {
  const r = req.messageRequest;
  switch (r.case) {
    case 'listServices':
      return { case: 'listServicesResponse', value: { service: index.services.map((s) => ({ name: s.typeName })) } };
    case 'fileByFilename': {
      const f = index.files.get(r.value);
      return f === undefined ? notFound(`file ${r.value}`) : withDependencies(f, sent);
    }
    case 'fileContainingSymbol': {
      const f = index.symbols.get(r.value.replace(/^\./, ''));
      return f === undefined ? notFound(`symbol ${r.value}`) : withDependencies(f, sent);
    }
    case 'fileContainingExtension': {
      const x = index.extensions.get(r.value.containingType)?.find((e) => e.number === r.value.extensionNumber);
      return x === undefined ? notFound(`extension ${r.value.extensionNumber} of ${r.value.containingType}`) : withDependencies(x.file, sent);
    }
    case 'allExtensionNumbersOfType':
      if (!index.messages.has(r.value)) return notFound(`type ${r.value}`);
      return { case: 'allExtensionNumbersResponse', value: { baseTypeName: r.value, extensionNumber: (index.extensions.get(r.value) ?? []).map((x) => x.number) } };
    case undefined:
      return { case: 'errorResponse', value: { errorCode: codeToGrpc('invalid_argument'), errorMessage: 'the request asks nothing' } };
    default: {
      const never: never = r;
      return { case: 'errorResponse', value: { errorCode: codeToGrpc('unimplemented'), errorMessage: `unknown request ${String(never)}` } };
    }
  }
}

/** Both versions, over the services `served()` lists at the time of each request (services may be added later). */
export function reflection(served: () => readonly DescService[]): ServiceImplementation[] {
  let cached: { services: readonly DescService[]; index: DescriptorIndex } | undefined;
  const index = (): DescriptorIndex => {
    const services = served();
    if (cached === undefined || cached.services.length !== services.length) cached = { services: [...services], index: new DescriptorIndex(services) };
    return cached.index;
  };
  async function* info(requests: AsyncIterable<ServerReflectionRequest>) {
    const sent = new Set<string>();
    for await (const req of requests) yield { validHost: req.host, originalRequest: req, messageResponse: answer(index(), req, sent) };
  }
  // v1alpha's service takes and gives v1's messages (see its .proto): one handler serves both.
  return [implement(ServerReflectionV1, { serverReflectionInfo: info }), implement(ServerReflectionV1alpha, { serverReflectionInfo: info })];
}
