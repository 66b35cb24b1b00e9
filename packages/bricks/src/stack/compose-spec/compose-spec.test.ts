// The committed validator is what ajv makes of the committed schema today: a newer schema copy
// or a newer ajv without `npm run gen:compose-schema` fails here, not in a user's stack file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SCHEMA_FILE, VALIDATOR_FILE, validatorSource } from '../../../scripts/compose-validator.mjs';

test('gen/validate.js is generated from compose-spec.json by the installed ajv', () => {
  const want = validatorSource(readFileSync(SCHEMA_FILE, 'utf8'));
  assert.ok(readFileSync(VALIDATOR_FILE, 'utf8') === want, 'gen/validate.js is stale: run `npm run gen:compose-schema`');
});
