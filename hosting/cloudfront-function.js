// Roster under /roster/ in an S3 bucket behind CloudFront: a CloudFront Function (viewer
// request) for the deep links. A path below the console's folder that is not a file (no dot in
// its last segment) gets the console's page, which finds its mount point and route in the
// address. The security headers come from a response headers policy (see the README's Deploy
// section).
var MOUNT = '/roster';

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var name = uri.substring(uri.lastIndexOf('/') + 1);
  var below = uri === MOUNT || uri.indexOf(MOUNT + '/') === 0;
  if (below && name.indexOf('.') === -1) {
    request.uri = MOUNT + '/index.html';
  }
  return request;
}
