export { type FindManyArgs, findManyAsJson, findManySql } from './find-many.js';
