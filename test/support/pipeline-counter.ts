import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/** Counts the requests that went through Nest's pipeline (an APP_INTERCEPTOR): a fast path's requests do not. */
@Injectable()
export class PipelineCounter implements NestInterceptor {
  static calls = 0;
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    PipelineCounter.calls++;
    return next.handle();
  }
}
