import type { StreamObservation } from '@tollgate/providers';
import type { InterceptionEnded } from '@tollgate/recording';

/** What an exchange with the upstream produced, for the `interception.ended` event and the span. */
export type Outcome = Pick<InterceptionEnded, 'error' | 'tokenUsages' | 'toolUsages'> & { responseId?: string; responseModel?: string };

export function withError(type: string, message: string): Outcome {
  return { tokenUsages: [], toolUsages: [], error: { type, message } };
}

/** The observed answer as an outcome; every tool call in it was chosen for the client (`injected: false`). */
export function outcomeFromObservation(observation: StreamObservation): Outcome {
  return {
    responseId: observation.responseId,
    responseModel: observation.model,
    tokenUsages: observation.tokenUsages,
    toolUsages: observation.toolCalls.map((call) => ({
      providerResponseId: call.providerResponseId,
      tool: call.name,
      toolCallId: call.toolCallId,
      input: call.arguments,
      injected: false,
    })),
  };
}
