import {
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from './class-validator-lite.js';
import { NAME_MAX_CHARS, nameProblem } from '@dh/contracts';

/** The Chinese half of each problem `nameProblem` can report; the English half is its own text. */
const CHINESE: Record<string, string> = {
  'name must not be empty': '请填写名字',
  [`name must be at most ${NAME_MAX_CHARS} characters`]: `名字最多 ${NAME_MAX_CHARS} 个字`,
  'name must not contain control characters': '名字不能包含控制字符',
};

/** What is wrong with a `name` field, bilingual, or null when it is a good guest name. */
export function guestNameMessage(value: unknown): string | null {
  if (value === undefined || value === null) return '请填写名字 / name is required';
  if (typeof value !== 'string') return '名字必须是文字 / name must be a string';
  const problem = nameProblem(value);
  if (problem === null) return null;
  const chinese = CHINESE[problem];
  return chinese ? `${chinese} / ${problem}` : problem;
}

/** One rule for the whole name so that a guest sees one clear message, not a pile of them. */
@ValidatorConstraint({ name: 'guestName' })
export class GuestNameConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return guestNameMessage(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return guestNameMessage(args.value) ?? '';
  }
}
