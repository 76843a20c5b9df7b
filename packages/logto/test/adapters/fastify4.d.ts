// The `fastify4` dev dependency is an npm alias of fastify@4: the API the adapter uses is the same
// as Fastify 5's, so it is typed like fastify.
declare module 'fastify4' {
  import Fastify from 'fastify';
  export default Fastify;
}
