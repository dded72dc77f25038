import { timingSafeEqual } from 'node:crypto';
import { Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { PeerHealthModule } from '@omnirelay/peer-health';

const OPS_TOKEN = Buffer.from(`Bearer ${process.env.OPS_TOKEN ?? 'example-ops-token'}`);

/** Guards the kit's routes only; the rest of the app keeps its own rules. */
@Injectable()
class OpsTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    const given = Buffer.from(header ?? '');
    // Constant-time comparison, so the answer's timing says nothing about the token.
    return given.length === OPS_TOKEN.length && timingSafeEqual(given, OPS_TOKEN);
  }
}

@Module({ imports: [PeerHealthModule.forRoot({ guards: [OpsTokenGuard] })] })
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/omnirelay/control/lease-health`;
  console.log(`without a token: ${(await fetch(url)).status}`);
  console.log(`with the token: ${(await fetch(url, { headers: { authorization: OPS_TOKEN.toString() } })).status}`);
  await app.close();
}

void main();
