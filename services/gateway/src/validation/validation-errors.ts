import type { ValidationError } from './class-validator-lite.js';
import { Errors, type GatewayError } from '../http/gateway-error.js';

/** Messages for the constraints that class-validator and Nest add on their own (not from our decorators). */
function builtInMessage(constraint: string, property: string): string | undefined {
  switch (constraint) {
    case 'whitelistValidation':
      return `不允许的字段 ${property} / unknown field ${property}`;
    case 'isObject':
    case 'unknownValue':
      return '请求体必须是 JSON 对象 / the body must be a JSON object';
    default:
      return undefined;
  }
}

function messagesOf(error: ValidationError, out: string[]): string[] {
  for (const [constraint, text] of Object.entries(error.constraints ?? {})) {
    out.push(builtInMessage(constraint, error.property) ?? text);
  }
  for (const child of error.children ?? []) messagesOf(child, out);
  return out;
}

/** The ValidationPipe's exceptionFactory: every problem of the body, bilingual, as one 400. */
export function validationFailed(errors: ValidationError[]): GatewayError {
  const messages = errors.flatMap((error) => messagesOf(error, []));
  return Errors.invalidBody(messages.length > 0 ? [...new Set(messages)] : ['请求无效 / invalid request']);
}
