// Read by Bootstrap Italia's bundle as it loads: its video player (video.js) must not inject
// <style> elements, which the Content-Security-Policy forbids. The site shows no video.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
