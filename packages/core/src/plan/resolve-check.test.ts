import { describe, expect, test } from 'vitest';
import { fieldNamespace } from './field-namespace.js';
import { containerReferenceContext, resolveCheck, unresolvedMessage } from './resolve-check.js';
import { check, computedField, field, table } from './test-builders.js';

const references = containerReferenceContext(
  1,
  2,
  [table(10, 1, 'orders'), table(11, 1, 'customers'), table(12, 1, 'staging_only')],
  [table(20, 2, 'orders'), table(21, 2, 'Customers'), table(22, 2, 'staging_only', { deleted_at: '2026-01-01T00:00:00Z' })],
);

describe('resolving a check on the destination (§7)', () => {
  test('field names resolve case-insensitively and take the destination casing', () => {
    const namespace = fieldNamespace([field(1, 'Email'), field(2, 'ID')], []);
    const resolved = resolveCheck(check(1, { rule_type: 'unique', fields: ['email', 'id'] }), namespace, references);
    expect(resolved.fields).toEqual(['Email', 'ID']);
    expect(resolved.unresolvedFields).toEqual([]);
  });

  test('only active/masked fields and active computed fields are available', () => {
    const namespace = fieldNamespace(
      [field(1, 'a', { status: 'masked' }), field(2, 'b', { status: 'missing' }), field(3, 'c', { status: 'excluded' })],
      [computedField(4, 'd'), computedField(5, 'e', { status: 'deleted' })],
    );
    const resolved = resolveCheck(check(1, { rule_type: 'not_null', fields: ['A', 'b', 'c', 'D', 'e'] }), namespace, references);
    expect(resolved.fields).toEqual(['a', 'd']);
    expect(resolved.unresolvedFields).toEqual(['b', 'c', 'e']);
  });

  test('field references in properties resolve like fields; unresolved ones are dropped', () => {
    const namespace = fieldNamespace([field(1, 'Amount'), field(2, 'Total'), field(3, 'Name')], []);
    const compared = resolveCheck(check(1, { rule_type: 'greater_than_field', fields: ['amount'], properties: { field_name: 'total', inclusive: true } }), namespace, references);
    expect(compared.properties).toEqual({ field_name: 'Total', inclusive: true });
    const entity = resolveCheck(
      check(2, { rule_type: 'entity_resolution', fields: ['name'], properties: { distinct_field_name: 'nope', target_fields: ['NAME', 'gone'] } }),
      namespace,
      references,
    );
    expect(entity.properties).toEqual({ target_fields: ['Name'] });
    expect(entity.unresolvedFields).toEqual(['nope', 'gone']);
  });

  test('a reference into the source datastore is rewritten to the live namesake in the destination datastore', () => {
    const namespace = fieldNamespace([field(1, 'customer_id')], []);
    const resolved = resolveCheck(
      check(1, { rule_type: 'exists_in', fields: ['customer_id'], properties: { ref_container_id: 11, ref_datastore_id: 1, ref_field: 'id' } }),
      namespace,
      references,
    );
    expect(resolved.properties).toEqual({ ref_container_id: 21, ref_datastore_id: 2, ref_field: 'id' });
    expect(resolved.unresolvedContainers).toEqual([]);
  });

  test('a reference with no live namesake is unresolved; references elsewhere are kept', () => {
    const namespace = fieldNamespace([field(1, 'customer_id')], []);
    const unresolved = resolveCheck(check(1, { rule_type: 'exists_in', fields: ['customer_id'], properties: { ref_container_id: 12 } }), namespace, references);
    expect(unresolved.properties).toEqual({});
    expect(unresolved.unresolvedContainers).toEqual(['staging_only']);
    const elsewhere = resolveCheck(check(2, { rule_type: 'exists_in', fields: ['customer_id'], properties: { ref_container_id: 99, ref_datastore_id: 7 } }), namespace, references);
    expect(elsewhere.properties).toEqual({ ref_container_id: 99, ref_datastore_id: 7 });
  });

  test('within one datastore references are kept as they are', () => {
    const sameDatastore = containerReferenceContext(1, 1, [table(11, 1, 'customers')], [table(11, 1, 'customers')]);
    const resolved = resolveCheck(check(1, { rule_type: 'exists_in', properties: { ref_container_id: 11 } }), fieldNamespace([field(1, 'email')], []), sameDatastore);
    expect(resolved.properties).toEqual({ ref_container_id: 11 });
  });

  test('the draft messages are the seed texts, byte for byte', () => {
    expect(unresolvedMessage({ unresolvedFields: ['email'], unresolvedContainers: [] })).toBe(
      "Promoted as Draft: source fields ['email'] could not be resolved on the destination",
    );
    expect(unresolvedMessage({ unresolvedFields: [], unresolvedContainers: ['customers'] })).toBe(
      "Promoted as Draft: reference container 'customers' could not be resolved on the destination datastore",
    );
    expect(unresolvedMessage({ unresolvedFields: ['email', 'phone'], unresolvedContainers: ['customers'] })).toBe(
      "Promoted as Draft: source fields ['email', 'phone'] could not be resolved on the destination; reference container 'customers' could not be resolved on the destination datastore",
    );
    expect(unresolvedMessage({ unresolvedFields: [], unresolvedContainers: [] })).toBeNull();
  });
});
