import { isJsonObject, type JsonObject, type StoredObjectKind } from '@tollgate/providers';

export interface StoredObjectReference {
  kind: StoredObjectKind;
  id: string;
}

/**
 * The stored objects a Responses request builds on: `previous_response_id`, and `conversation` (an id, or `{id}`).
 * The model reads their content, so they must be the caller's own like any read by id.
 */
export function referencedStoredObjects(body: JsonObject): StoredObjectReference[] {
  const references: StoredObjectReference[] = [];
  if (typeof body.previous_response_id === 'string') references.push({ kind: 'response', id: body.previous_response_id });
  const conversation = body.conversation;
  const conversationId = isJsonObject(conversation) ? conversation.id : conversation;
  if (typeof conversationId === 'string') references.push({ kind: 'conversation', id: conversationId });
  return references;
}
