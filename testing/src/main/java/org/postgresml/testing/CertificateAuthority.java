package org.postgresml.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests: a self-signed CA and the server (or client)
 * certificates it issues, written as PEM files that PostgreSQL, libpq, pgjdbc and Netty read.
 */
public final class CertificateAuthority {

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private CertificateAuthority(String name, KeyPair keyPair, X509Certificate certificate) {
    this.name = name;
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A new CA with its own key; two CAs never trust each other's certificates. */
  public static CertificateAuthority create(String commonName) {
    try {
      KeyPair keys = newKeyPair("EC");
      X500Name subject = new X500Name("CN=" + commonName);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = builder(subject, subject, keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(commonName, keys, sign(builder, keys));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not create test CA " + commonName, e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes the CA certificate as PEM, for {@code sslrootcert} and trust stores. */
  public Path writeCertificate(Path file) {
    writePem(file, List.of(certificate));
    return file;
  }

  /** A server certificate for the given DNS names and IP addresses (for example localhost, 127.0.0.1). */
  public IssuedCertificate issueServer(Path directory, String fileStem, String... names) {
    return issue(directory, fileStem, KeyPurposeId.id_kp_serverAuth, "EC", names);
  }

  /** As {@link #issueServer}, with an RSA key (the only kind static RSA key exchange suites can use). */
  public IssuedCertificate issueServerRsa(Path directory, String fileStem, String... names) {
    return issue(directory, fileStem, KeyPurposeId.id_kp_serverAuth, "RSA", names);
  }

  /** A client certificate whose common name is the database user name. */
  public IssuedCertificate issueClient(Path directory, String fileStem, String user) {
    return issue(directory, fileStem, KeyPurposeId.id_kp_clientAuth, "EC", user);
  }

  private IssuedCertificate issue(Path directory, String fileStem, KeyPurposeId purpose, String keyAlgorithm,
      String... names) {
    try {
      KeyPair keys = newKeyPair(keyAlgorithm);
      List<GeneralName> alternatives = new ArrayList<>();
      for (String entry : names) {
        boolean ip = entry.matches("[0-9.]+") || entry.contains(":");
        alternatives.add(ip ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(entry).getHostAddress())
            : new GeneralName(GeneralName.dNSName, entry));
      }
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + names[0]), keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(alternatives.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
      X509Certificate issued = sign(builder, keyPair);
      Files.createDirectories(directory);
      Path certFile = directory.resolve(fileStem + ".crt");
      Path keyFile = directory.resolve(fileStem + ".key");
      writePem(certFile, List.of(issued));
      writePem(keyFile, List.of(new JcaPKCS8Generator(keys.getPrivate(), null)));
      // libpq and the server refuse private keys readable by others.
      Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      return new IssuedCertificate(certFile, keyFile, issued);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not issue test certificate for " + String.join(",", names), e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair(String algorithm) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(algorithm.equals("RSA") ? 2048 : 256, RANDOM);
    return generator.generateKeyPair();
  }

  private static void writePem(Path file, List<?> objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        if (object instanceof JcaPKCS8Generator generator) {
          writer.writeObject(generator.generate());
        } else {
          writer.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /** A certificate and its private key, both as PEM files (the key in PKCS#8, which Netty reads). */
  public record IssuedCertificate(Path certificateFile, Path privateKeyFile, X509Certificate certificate) {}
}
