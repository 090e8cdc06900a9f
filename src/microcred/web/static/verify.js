// /verify: progressive enhancement only; every form works without this file.
// 1. Refuse a too-large file before uploading it (the server checks again).
// 2. Scan a QR code with the BarcodeDetector API where the browser has it; a code holding
//    a link is opened through /verify?url=... (the server fetches and checks it).
(function () {
  "use strict";

  var fileInput = document.getElementById("file");
  var fileError = document.getElementById("file-error");
  var uploadForm = document.getElementById("upload-form");
  if (fileInput && fileError && uploadForm) {
    var limit = parseInt(fileInput.getAttribute("data-max-bytes") || "0", 10);
    var check = function () {
      var file = fileInput.files && fileInput.files[0];
      if (file && limit && file.size > limit) {
        fileError.textContent = "That file is " + (file.size / 1048576).toFixed(1) +
          " MB, too large to be a credential: the limit is " + (limit / 1048576).toFixed(1) +
          " MB. Choose the credential file itself (JSON, JWT, or a PNG or SVG badge image).";
        fileError.hidden = false;
        return false;
      }
      fileError.hidden = true;
      fileError.textContent = "";
      return true;
    };
    fileInput.addEventListener("change", check);
    uploadForm.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        fileInput.focus();
      }
    });
  }

  var supported = document.getElementById("scan-supported");
  var unsupported = document.getElementById("scan-unsupported");
  var start = document.getElementById("scan-start");
  var stop = document.getElementById("scan-stop");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  if (!supported || !start || !stop || !video || !status) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return; // the fallback text stays: type the address instead
  }
  supported.hidden = false;
  if (unsupported) unsupported.hidden = true;

  var stream = null;
  var timer = null;
  var detector = null;

  var halt = function () {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  };

  var open = function (value) {
    var target;
    try {
      target = new URL(value, window.location.href);
    } catch (e) {
      status.textContent = "That QR code does not hold a web address.";
      return;
    }
    if (target.protocol !== "https:" && target.protocol !== "http:") {
      status.textContent = "That QR code does not hold a web address.";
      return;
    }
    halt();
    status.textContent = "Found a link; checking it…";
    if (target.origin === window.location.origin && target.pathname === "/verify") {
      window.location.assign(target.href);
    } else {
      window.location.assign("/verify?url=" + encodeURIComponent(target.href));
    }
  };

  var scan = function () {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        open(codes[0].rawValue);
      } else {
        timer = window.setTimeout(scan, 250);
      }
    }).catch(function () {
      timer = window.setTimeout(scan, 500);
    });
  };

  start.addEventListener("click", function () {
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) {
      status.textContent = "This browser cannot read QR codes; type the address instead.";
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        status.textContent = "Point the camera at the QR code.";
        return video.play();
      })
      .then(scan)
      .catch(function () {
        halt();
        status.textContent = "The camera is not available; type the address under the code instead.";
      });
  });
  stop.addEventListener("click", function () {
    halt();
    status.textContent = "Camera stopped.";
    start.focus();
  });
})();
