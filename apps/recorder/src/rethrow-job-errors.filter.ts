import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error, unchanged, back to the transport (and so to BullMQ, which retries the job and shows the
 * error as its failedReason). Nest's default RPC filter would replace it with "Internal server error".
 */
@Catch()
export class RethrowJobErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
