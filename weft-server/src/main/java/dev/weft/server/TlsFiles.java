package dev.weft.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key read from PEM files with JDK APIs only, held in an
 * in-memory PKCS#12 key store for the HTTPS connector. Every failure is an {@link
 * IllegalArgumentException} of one line naming the file and what to do about it. Immutable.
 *
 * @param keyStore the key store with one entry, {@link #ALIAS}
 * @param password the key store's and the entry's password (random, never written anywhere)
 */
record TlsFiles(KeyStore keyStore, String password) {
  static final String ALIAS = "weft";
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out key-pkcs8.pem";

  /**
   * Reads {@code chainPem} (one or more {@code CERTIFICATE} blocks, the server's first) and
   * {@code keyPem} (a {@code PRIVATE KEY} block: unencrypted PKCS#8, RSA or EC; or a PKCS#1
   * {@code RSA PRIVATE KEY} block), checks that the
   * key belongs to the first certificate, and builds the key store.
   *
   * @throws IllegalArgumentException if a file is missing, unreadable, not PEM, holds another
   *     kind of key, or the key does not match the certificate
   */
  static TlsFiles load(Path chainPem, Path keyPem) {
    List<Certificate> chain = certificates(chainPem);
    PrivateKey key = privateKey(keyPem);
    X509Certificate leaf = (X509Certificate) chain.get(0);
    if (!matches(key, leaf)) {
      throw new IllegalArgumentException("TLS key " + keyPem + " does not belong to the certificate in " + chainPem
          + " (" + leaf.getSubjectX500Principal().getName() + "); give the key the certificate was made for");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      String password = Base64.getEncoder().encodeToString(random);
      store.setKeyEntry(ALIAS, key, password.toCharArray(), chain.toArray(Certificate[]::new));
      return new TlsFiles(store, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot hold the TLS key of " + keyPem + " in a key store: " + e.getMessage(), e);
    }
  }

  /**
   * The certificates of a PEM file, in order.
   *
   * @throws IllegalArgumentException if the file is missing, unreadable or holds no certificate
   */
  static List<Certificate> certificates(Path pem) {
    String text = read(pem, "TLS certificate");
    List<Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          certs.add(factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2), pem))));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("TLS certificate " + pem + " is not a valid X.509 certificate: "
          + oneLine(e.getMessage()), e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("TLS certificate " + pem + " holds no '-----BEGIN CERTIFICATE-----' block; "
          + "give a PEM certificate chain, the server's certificate first");
    }
    return certs;
  }

  private static PrivateKey privateKey(Path pem) {
    String text = read(pem, "TLS key");
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String kind = m.group(1);
      switch (kind) {
        case "PRIVATE KEY" -> {
          byte[] der = decode(m.group(2), pem);
          for (String algorithm : List.of("RSA", "EC")) {
            try {
              return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
              // not this algorithm: try the next
            } catch (GeneralSecurityException e) {
              throw new IllegalArgumentException("cannot read TLS key " + pem + ": " + oneLine(e.getMessage()), e);
            }
          }
          throw new IllegalArgumentException("TLS key " + pem + " is not a readable RSA or EC key (damaged, or of another "
              + "algorithm); give the certificate's RSA or EC key in PKCS#8 PEM");
        }
        case "RSA PRIVATE KEY" -> {
          try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8OfRsa(decode(m.group(2), pem))));
          } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS key " + pem + " is not a readable RSA key (" + oneLine(e.getMessage())
                + "); convert it to PKCS#8 with: " + TO_PKCS8.replace("KEY.pem", pem.toString()), e);
          }
        }
        case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
            "TLS key " + pem + " is a '" + kind + "' block; convert it to unencrypted PKCS#8 ('BEGIN PRIVATE KEY') with: "
                + TO_PKCS8.replace("KEY.pem", pem.toString()));
        default -> {
          // a certificate or parameters next to the key: skip
        }
      }
    }
    throw new IllegalArgumentException("TLS key " + pem + " holds no '-----BEGIN PRIVATE KEY-----' block; "
        + "give the PEM private key of the certificate");
  }

  /**
   * Wraps a PKCS#1 RSA key in the PKCS#8 structure the JDK reads: SEQUENCE { INTEGER 0,
   * SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING pkcs1 }.
   */
  private static byte[] pkcs8OfRsa(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] rsaEncryption = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + rsaEncryption.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(rsaEncryption, 0, body, version.length, rsaEncryption.length);
    System.arraycopy(octets, 0, body, version.length + rsaEncryption.length, octets.length);
    return der(0x30, body);
  }

  /** A DER tag-length-value with a definite length. */
  private static byte[] der(int tag, byte[] value) {
    int n = value.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
        : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(value, 0, out, 1 + length.length, n);
    return out;
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> throw new IllegalArgumentException("unsupported TLS key algorithm " + key.getAlgorithm());
    };
    if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    try {
      byte[] probe = "weft tls key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + oneLine(e.getMessage()), e);
    }
  }

  private static byte[] decode(String base64, Path file) {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not valid PEM (bad base64): " + e.getMessage(), e);
    }
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s+", " ").strip();
  }
}
