package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a self-signed certificate made at test time by openssl. */
class TlsTest {
  private static final Path OPENSSL = Path.of("/usr/bin/openssl");

  @TempDir Path dir;

  @Test
  void theRestFrontEndServesHttpsWithAPemCertificateAndKey() throws Exception {
    assumeTrue(
        Files.isExecutable(OPENSSL),
        "needs /usr/bin/openssl to make a test certificate; not installed here");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl =
        new ProcessBuilder(
                OPENSSL.toString(),
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost")
            .redirectErrorStream(true)
            .start();
    openssl.getInputStream().readAllBytes();
    assertEquals(true, openssl.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, openssl.exitValue());

    TestServer.addDigits(dir.resolve("repo"), "digits", 1);
    ServerSettings settings = ServerSettings.builder().repository(dir.resolve("repo")).build();
    try (InferenceService service = InferenceService.open(settings);
        ServerFrontEnd https =
            ServerFrontEnd.rest(
                service,
                RestSettings.of("127.0.0.1", 0).withTls(new RestSettings.Tls(cert, key)))) {
      assertEquals("https", https.protocol());
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(cert)) {
        trust.setCertificateEntry(
            "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trustManagers.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      String base = "https://127.0.0.1:" + https.address().getPort();
      HttpResponse<String> ready =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode());
      HttpResponse<String> infer =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/models/digits/infer"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          TestServer.digitsRequest(new float[64], 1)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, infer.statusCode(), infer.body());
      assertThrows(
          java.io.IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create(base + "/v2/health/ready")).build(),
                      HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void aKeyThatIsNotPemIsABadRequestNamingTheFiles() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
    Path key = Files.writeString(dir.resolve("key.pem"), "not a key");
    TestServer.addDigits(dir.resolve("repo"), "digits", 1);
    try (InferenceService service =
        InferenceService.open(ServerSettings.builder().repository(dir.resolve("repo")).build())) {
      ServerException error =
          assertThrows(
              ServerException.class,
              () ->
                  ServerFrontEnd.rest(
                      service,
                      RestSettings.of("127.0.0.1", 0).withTls(new RestSettings.Tls(cert, key))));
      assertEquals(ServerException.Code.BAD_REQUEST, error.code());
      assertEquals(true, error.getMessage().contains("cert.pem"), error.getMessage());
    }
  }
}
