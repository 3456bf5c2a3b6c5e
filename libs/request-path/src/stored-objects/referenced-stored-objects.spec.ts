import { referencedStoredObjects } from './referenced-stored-objects';

describe('referencedStoredObjects', () => {
  it('reads previous_response_id and conversation (as an id or as {id})', () => {
    expect(referencedStoredObjects({ model: 'm', previous_response_id: 'resp_1', conversation: 'conv_1' })).toEqual([
      { kind: 'response', id: 'resp_1' },
      { kind: 'conversation', id: 'conv_1' },
    ]);
    expect(referencedStoredObjects({ model: 'm', conversation: { id: 'conv_2' } })).toEqual([{ kind: 'conversation', id: 'conv_2' }]);
  });

  it('finds nothing in a request that builds on no stored object', () => {
    expect(referencedStoredObjects({ model: 'm', input: 'hi', previous_response_id: null, conversation: { other: 1 } })).toEqual([]);
  });
});
