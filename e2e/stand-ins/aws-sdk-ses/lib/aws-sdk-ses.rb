# Stand-in for aws-sdk-ses: the class aws-actionmailer-ses names, refusing to be used.
module Aws
  module SES
    class Client
      def initialize(*)
        raise "aws-sdk-ses is a stand-in in the e2e suite: no mail goes to SES"
      end
    end
  end
end
