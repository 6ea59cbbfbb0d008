// Types of the class-validator files imported one by one in class-validator-lite.ts (the package ships its
// types for the index only).
declare module 'class-validator/cjs/metadata/MetadataStorage.js' {
  export { getMetadataStorage } from 'class-validator';
}
declare module 'class-validator/cjs/validation/Validator.js' {
  export { Validator } from 'class-validator';
}
declare module 'class-validator/cjs/decorator/common/Validate.js' {
  export { Validate, ValidatorConstraint } from 'class-validator';
}
declare module 'class-validator/cjs/decorator/common/ValidateIf.js' {
  export { ValidateIf } from 'class-validator';
}
declare module 'class-validator/cjs/decorator/typechecker/IsString.js' {
  export { IsString } from 'class-validator';
}
declare module 'class-validator/cjs/decorator/string/Matches.js' {
  export { Matches } from 'class-validator';
}
declare module 'class-validator/cjs/decorator/string/MaxLength.js' {
  export { MaxLength } from 'class-validator';
}
