// Roster under /roster/ in an S3 bucket behind CloudFront: a CloudFront Function (viewer
// request) for the deep links. A path that is not a file goes back to the console with its
// path in the fragment, where the console reads it and puts it back in the address; the
// console's folder gets its index.html. The security headers come from a response headers
// policy (see the README's Deploy section).
var MOUNT = '/roster';

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === MOUNT || uri === MOUNT + '/') {
    request.uri = MOUNT + '/index.html';
    return request;
  }
  var name = uri.substring(uri.lastIndexOf('/') + 1);
  if (uri.indexOf(MOUNT + '/') !== 0 || name.indexOf('.') !== -1) {
    return request;
  }
  var query = Object.keys(request.querystring)
    .map(function (key) {
      var value = request.querystring[key].value;
      return value === '' ? key : key + '=' + value;
    })
    .join('&');
  return {
    statusCode: 302,
    statusDescription: 'Found',
    headers: { location: { value: MOUNT + '/#' + uri + (query ? '?' + query : '') } },
  };
}
