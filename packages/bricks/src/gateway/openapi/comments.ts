// The comments written above a message, field, enum, service or method in its .proto file,
// read from the file descriptor's source code info. Only descriptors that keep it have any:
// a FileDescriptorSet from `buf build` (or protoc's --include_source_info) does; code from
// protoc-gen-es does not (it strips source info when it embeds a descriptor), so for
// generated services the document has no descriptions.
import type { DescEnum, DescEnumValue, DescField, DescFile, DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';

export type Commented = DescMessage | DescField | DescEnum | DescEnumValue | DescService | DescMethod;

// Field numbers in google/protobuf/descriptor.proto: a source location's path walks them.
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

const byFile = new WeakMap<DescFile, ReadonlyMap<string, string>>();

/** The comment on `desc` (leading, else trailing), tidied; undefined when there is none. */
export function commentOf(desc: Commented): string | undefined {
  const file = fileOf(desc);
  let comments = byFile.get(file);
  if (comments === undefined) {
    comments = indexComments(file);
    byFile.set(file, comments);
  }
  return comments.get(pathOf(desc).join('.'));
}

function indexComments(file: DescFile): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const loc of file.proto.sourceCodeInfo?.location ?? []) {
    const text = tidy(loc.leadingComments !== '' ? loc.leadingComments : loc.trailingComments);
    if (text !== '') out.set(loc.path.join('.'), text);
  }
  return out;
}

/** Comment text without the one space after `//` on each line, and without blank edges. */
function tidy(raw: string): string {
  return raw
    .split('\n')
    .map((line) => line.replace(/^ /, '').trimEnd())
    .join('\n')
    .trim();
}

function fileOf(desc: Commented): DescFile {
  switch (desc.kind) {
    case 'message':
    case 'enum':
    case 'service':
      return desc.file;
    case 'field':
    case 'enum_value':
    case 'rpc':
      return desc.parent.file;
    default: {
      const never: never = desc;
      return never;
    }
  }
}

function pathOf(desc: Commented): number[] {
  switch (desc.kind) {
    case 'message':
      return desc.parent === undefined ? [FILE_MESSAGE, desc.file.proto.messageType.indexOf(desc.proto)] : [...pathOf(desc.parent), MESSAGE_NESTED, desc.parent.proto.nestedType.indexOf(desc.proto)];
    case 'enum':
      return desc.parent === undefined ? [FILE_ENUM, desc.file.proto.enumType.indexOf(desc.proto)] : [...pathOf(desc.parent), MESSAGE_ENUM, desc.parent.proto.enumType.indexOf(desc.proto)];
    case 'field':
      return [...pathOf(desc.parent), MESSAGE_FIELD, desc.parent.proto.field.indexOf(desc.proto)];
    case 'enum_value':
      return [...pathOf(desc.parent), ENUM_VALUE, desc.parent.proto.value.indexOf(desc.proto)];
    case 'service':
      return [FILE_SERVICE, desc.file.proto.service.indexOf(desc.proto)];
    case 'rpc':
      return [...pathOf(desc.parent), SERVICE_METHOD, desc.parent.proto.method.indexOf(desc.proto)];
    default: {
      const never: never = desc;
      return never;
    }
  }
}
