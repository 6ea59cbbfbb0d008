/**
 * The parts of class-validator the gateway uses, imported file by file. Its index loads all of validator.js
 * and libphonenumber-js' metadata: about 7 MB RSS of a 100 MB budget, for rules we never use. Versions are
 * pinned, and the validation tests (test/join-input.test.ts) fail if a path moves.
 */
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { getMetadataStorage } from 'class-validator/cjs/metadata/MetadataStorage.js';
import { Validator } from 'class-validator/cjs/validation/Validator.js';

export { Validate, ValidatorConstraint } from 'class-validator/cjs/decorator/common/Validate.js';
export { ValidateIf } from 'class-validator/cjs/decorator/common/ValidateIf.js';
export { IsString } from 'class-validator/cjs/decorator/typechecker/IsString.js';
export { Matches } from 'class-validator/cjs/decorator/string/Matches.js';
export { MaxLength } from 'class-validator/cjs/decorator/string/MaxLength.js';
export type { ValidationArguments, ValidationError, ValidatorConstraintInterface } from 'class-validator';

const validator = new Validator();

/** Given to ValidationPipe as `validatorPackage`, so that it does not import class-validator's index itself. */
export const validatorPackage = {
  validate: (object: unknown, options?: ValidatorOptions): Promise<ValidationError[]> =>
    validator.validate(object as object, options),
  getMetadataStorage,
};
